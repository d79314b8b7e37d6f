import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRunArguments, splitExecStart } from '../../collectors/runner/command-line.js';
import type { SyntheticHost } from '../helpers/host.js';
import { IS_ROOT, runnerHost, scanRunner, wardenConfig } from './harness.js';

const SHELL_CONFIG = (name: string, token: string) =>
  `concurrent = 1\n[[runners]]\n  name = "${name}"\n  url = "https://gitlab.example.com/"\n  token = "glrt-${token}"\n  executor = "shell"\n`;

/** A running process under the synthetic root: argv, real/effective uid and working directory. */
function addProcess(host: SyntheticHost, pid: number, argv: string[], uid: number, cwd: string): void {
  host.write(`/proc/${pid}/cmdline`, `${argv.join('\0')}\0`);
  host.write(`/proc/${pid}/status`, `Name:\tgitlab-runner\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nGid:\t${uid}\t${uid}\t${uid}\t${uid}\n`);
  host.symlink(`/proc/${pid}/cwd`, cwd);
}

const PACKAGE_UNIT = `[Unit]
Description=GitLab Runner
After=network.target

[Service]
ExecStart=/usr/bin/gitlab-runner "run" "--working-directory" "/home/gitlab-runner" "--config" "/etc/gitlab-runner/config.toml" "--service" "gitlab-runner" "--user" "gitlab-runner"
Restart=always

[Install]
WantedBy=multi-user.target
`;

let host: SyntheticHost | undefined;
afterEach(() => host?.cleanup());

describe('discovery', () => {
  it('reports both a root install (systemd unit) and a user install (running process)', async () => {
    host = runnerHost({
      '/etc/gitlab-runner/config.toml': SHELL_CONFIG('root-install', 'ROOTinstall0000000001'),
      '/etc/systemd/system/gitlab-runner.service': PACKAGE_UNIT,
      '/home/u/.gitlab-runner/config.toml': { content: SHELL_CONFIG('user-install', 'USERinstall0000000001'), mode: 0o600, uid: 1000, gid: 1000 },
    });
    host.mkdir('/home/u/.gitlab-runner', 0o700);
    fs.chownSync(host.path('/home/u/.gitlab-runner'), 1000, 1000);
    addProcess(host, 4242, ['/usr/local/bin/gitlab-runner', 'run'], 1000, '/home/u');

    const { runner, result } = await scanRunner(host);
    expect(runner.configs.map((c) => [c.path, c.foundBy])).toEqual([
      ['/etc/gitlab-runner/config.toml', ['default-path', 'systemd-unit']],
      ['/home/u/.gitlab-runner/config.toml', ['default-path', 'process']],
    ]);
    expect(runner.launches).toEqual([
      expect.objectContaining({ source: 'process', pid: 4242, configPath: '/home/u/.gitlab-runner/config.toml', configPathExplicit: false, processUid: 1000, processUser: 'u', runsAsRoot: false, jobUser: null }),
      expect.objectContaining({ source: 'systemd-unit', unitPath: '/etc/systemd/system/gitlab-runner.service', jobUser: 'gitlab-runner', workingDirectory: '/home/gitlab-runner', runsAsRoot: true }),
    ]);
    const [rootConfig, userConfig] = runner.configs;
    expect(rootConfig?.execution).toMatchObject({ source: 'systemd-unit', jobUser: 'gitlab-runner', effectiveJobUser: 'gitlab-runner', effectiveJobUserGids: [999, 998], jobsRunAsRoot: false, runnerRunsAsRoot: true });
    expect(rootConfig?.runners[0]?.effectiveBuildsDir).toBe('/home/gitlab-runner/builds');
    expect(userConfig?.execution).toMatchObject({ source: 'process', effectiveJobUser: 'u', jobsRunAsRoot: false, runnerRunsAsRoot: false });

    const shell = result.findings.filter((f) => f.checkId === 'shell-executor-in-use');
    expect(shell.map((f) => [f.runner?.name, f.runner?.configPath, f.severity])).toEqual(
      expect.arrayContaining([
        ['root-install', '/etc/gitlab-runner/config.toml', 'high'],
        ['user-install', '/home/u/.gitlab-runner/config.toml', 'high'],
      ]),
    );
    if (IS_ROOT) {
      // The user runner and its jobs share one account that owns the file: jobs can read the token.
      const perms = result.findings.filter((f) => f.checkId === 'config-toml-permissions');
      expect(perms.map((f) => [f.subject.id, f.severity])).toEqual([['/home/u/.gitlab-runner/config.toml', 'high']]);
    }
  });

  it('says what it searched when no runner is installed', async () => {
    host = runnerHost();
    host.mkdir('/home/alice').mkdir('/proc');
    const { runner, result } = await scanRunner(host);
    expect(runner.configs).toEqual([]);
    expect(runner.searched.filter((s) => s.purpose === 'config').map((s) => [s.path, s.outcome])).toEqual([
      ['/home/*/.gitlab-runner/config.toml', 'found'],
      ['/etc/gitlab-runner/config.toml', 'absent'],
      ['/root/.gitlab-runner/config.toml', 'absent'],
      ['/home/alice/.gitlab-runner/config.toml', 'absent'],
    ]);
    expect(runner.searched.map((s) => s.path)).toEqual(expect.arrayContaining(['/proc/*/cmdline', '/lib/systemd/system/gitlab-runner.service', '/usr/bin/gitlab-runner']));
    const shell = result.checks.find((c) => c.id === 'shell-executor-in-use');
    expect(shell).toMatchObject({ status: 'not-applicable', reason: expect.stringMatching(/no gitlab-runner config found \(4 locations searched\)/) });
  });

  it('applies drop-ins: an empty ExecStart= resets, the later one wins (here --user root)', async () => {
    host = runnerHost({
      '/srv/ci/runner.toml': SHELL_CONFIG('dropin', 'DROPINtoken0000000001'),
      '/lib/systemd/system/gitlab-runner.service': PACKAGE_UNIT,
      '/etc/systemd/system/gitlab-runner.service.d/10-override.conf': '[Service]\nExecStart=\nExecStart=/usr/bin/gitlab-runner run -c /srv/ci/runner.toml \\\n  --working-directory=/root -u root\n',
      '/etc/systemd/system/gitlab-runner.service.d/README': 'not a drop-in',
    });
    const { runner, result } = await scanRunner(host);
    const unit = runner.launches.find((l) => l.source === 'systemd-unit');
    expect(unit).toMatchObject({
      unitPath: '/lib/systemd/system/gitlab-runner.service',
      dropIns: ['/etc/systemd/system/gitlab-runner.service.d/10-override.conf'],
      configPath: '/srv/ci/runner.toml',
      configPathExplicit: true,
      workingDirectory: '/root',
      jobUser: 'root',
    });
    expect(runner.configs.map((c) => c.path)).toEqual(['/srv/ci/runner.toml']);
    const shell = result.findings.find((f) => f.checkId === 'shell-executor-in-use');
    expect(shell).toMatchObject({ severity: 'critical', message: expect.stringContaining('--user root') });
  });

  it('follows a unit file symlinked within the root, and ignores a masked unit', async () => {
    host = runnerHost({
      '/etc/gitlab-runner/config.toml': SHELL_CONFIG('linked', 'LINKEDtoken0000000001'),
      '/opt/units/gitlab-runner.service': PACKAGE_UNIT,
    });
    host.symlink('/etc/systemd/system/gitlab-runner.service', '/opt/units/gitlab-runner.service');
    expect((await scanRunner(host)).runner.launches).toEqual([expect.objectContaining({ source: 'systemd-unit', jobUser: 'gitlab-runner' })]);
    host.cleanup();

    host = runnerHost({ '/etc/gitlab-runner/config.toml': SHELL_CONFIG('masked', 'MASKEDtoken0000000001'), '/lib/systemd/system/gitlab-runner.service': PACKAGE_UNIT });
    // A masked unit links to /dev/null; any non-regular target behaves alike (a FIFO needs no privilege to create).
    host.mkdir('/dev');
    execFileSync('mkfifo', [host.path('/dev/null')]);
    host.symlink('/etc/systemd/system/gitlab-runner.service', '/dev/null');
    const { runner } = await scanRunner(host);
    expect(runner.launches).toEqual([]);
    expect(runner.searched.find((s) => s.path === '/etc/systemd/system/gitlab-runner.service')?.outcome).toBe('refused');
  });

  it('treats a root unit without --user as root jobs', async () => {
    host = runnerHost({
      '/etc/gitlab-runner/config.toml': SHELL_CONFIG('no-user', 'NOUSERtoken0000000001'),
      '/etc/systemd/system/gitlab-runner.service': '[Service]\nExecStart=/usr/bin/gitlab-runner run --config /etc/gitlab-runner/config.toml\n',
    });
    const { runner, result } = await scanRunner(host);
    expect(runner.configs[0]?.execution).toMatchObject({ jobUser: null, effectiveJobUser: 'root', jobsRunAsRoot: true });
    expect(result.findings.find((f) => f.checkId === 'shell-executor-in-use')?.severity).toBe('critical');
  });

  it('resolves a relative --config against the process working directory, and adds runner-warden config paths', async () => {
    host = runnerHost({
      '/opt/ci/conf/runner.toml': SHELL_CONFIG('relative', 'RELATIVEtoken00000001'),
      '/data/extra/config.toml': SHELL_CONFIG('extra', 'EXTRAtoken00000000001'),
    });
    addProcess(host, 77, ['gitlab-runner', '--log-level', 'debug', 'run', '-c', 'conf/runner.toml', '--user=gitlab-runner'], 0, '/opt/ci');
    addProcess(host, 78, ['/usr/bin/gitlab-runner', 'register', '--config', '/nope.toml'], 0, '/');
    addProcess(host, 79, ['/usr/bin/python3', 'gitlab-runner', 'run'], 0, '/');
    const { runner } = await scanRunner(host, { config: wardenConfig({ configPaths: ['/data/extra/config.toml'] }) });
    expect(runner.launches.map((l) => [l.pid, l.configPath, l.jobUser])).toEqual([[77, '/opt/ci/conf/runner.toml', 'gitlab-runner']]);
    expect(runner.configs.map((c) => [c.path, c.foundBy])).toEqual([
      ['/opt/ci/conf/runner.toml', ['process']],
      ['/data/extra/config.toml', ['warden-config']],
    ]);
  });
});

describe('command lines', () => {
  it.each([
    [['/usr/bin/gitlab-runner', 'run', '--config', '/a.toml', '-d', '/w', '-u', 'x'], { isRun: true, config: '/a.toml', workingDirectory: '/w', user: 'x' }],
    [['gitlab-runner', 'run', '--config=/b.toml', '--listen-address=0.0.0.0:9252'], { isRun: true, config: '/b.toml', listenAddress: '0.0.0.0:9252' }],
    [['gitlab-runner', '--debug', 'run'], { isRun: true, config: null }],
    [['gitlab-runner', 'run-single', '--token', 'x'], { isRun: false }],
    [['gitlab-runner', 'register', '-c', '/c.toml'], { isRun: false }],
    [['/usr/bin/bash', 'run'], { isRun: false }],
  ])('%j', (argv, expected) => {
    expect(parseRunArguments(argv)).toMatchObject(expected);
  });

  it('splits ExecStart with quotes, escapes and systemd prefixes', () => {
    expect(splitExecStart(`-/usr/bin/gitlab-runner "run" "--working-directory" "/home/with space" --user='gitlab-runner'`)).toEqual([
      '/usr/bin/gitlab-runner',
      'run',
      '--working-directory',
      '/home/with space',
      '--user=gitlab-runner',
    ]);
  });
});
