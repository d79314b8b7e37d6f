import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticHost } from '../helpers/host.js';
import { runWarden } from '../helpers/cli.js';
import { sarifErrors } from '../helpers/sarif.js';

const SHELL_RUNNER = `concurrent = 1
[[runners]]
  name = "shell-runner"
  url = "https://gitlab.example.com"
  token = "glrt-CLITESTSECRETTOKEN1234"
  executor = "shell"
`;

let host: SyntheticHost;
let quiet: SyntheticHost;
let wardenConfig: string;

beforeAll(() => {
  host = new SyntheticHost().withIdentity('cli-host');
  host.write('/etc/gitlab-runner/config.toml', { content: SHELL_RUNNER, mode: 0o600 });
  host.write('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ngitlab-runner:x:999:999::/home/gitlab-runner:/bin/bash\n');
  host.write('/etc/group', 'root:x:0:\ngitlab-runner:x:999:\n');
  quiet = new SyntheticHost().withIdentity('empty-host');
  // Keep the scans to the synthetic hosts: no Docker engine, no network probes.
  wardenConfig = host.path('/warden.toml');
  fs.writeFileSync(wardenConfig, '[docker]\nsocket = "/nonexistent/docker.sock"\n[network]\nmetadata_probes = "never"\n');
});
afterAll(() => {
  host.cleanup();
  quiet.cleanup();
});

const scan = (root: string, ...args: string[]) => runWarden(['scan', '--root', root, '--config', wardenConfig, ...args], { DOCKER_HOST: undefined });

describe('runner-warden CLI', () => {
  it('prints its version and help on every command', () => {
    const version = runWarden(['--version']);
    expect(version.status).toBe(0);
    // The test setup installs a C compiler, so the build has made the native addon.
    expect(version.stdout).toMatch(/^runner-warden \d+\.\d+\.\d+\nfile access: native\n$/);
    for (const command of ['scan', 'facts', 'checks', 'explain', 'config', 'agent']) {
      const help = runWarden([command, '--help']);
      expect(help.status, command).toBe(0);
      expect(help.stdout, command).toMatch(/Usage: runner-warden/);
    }
    expect(runWarden(['--help']).stdout).toContain('Commands:');
  });

  it('exits 2 with one line on bad usage', () => {
    for (const args of [['frobnicate'], ['scan', '--format', 'xml'], ['scan', '--fail-on', 'severe'], ['scan', '--only', 'no-such-check'], ['explain', 'no-such-check'], ['scan', '--bogus']]) {
      const run = runWarden(args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('exits 2 on a bad config with file, key and problem in one line, no stack trace', () => {
    const bad = host.path('/bad.toml');
    fs.writeFileSync(bad, '[scan]\nroot_dir = "/"\n');
    const run = runWarden(['scan', '--config', bad]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(`runner-warden: config error: ${bad}: scan.root_dir: unknown key\n`);
    expect(runWarden(['config', 'check', bad]).status).toBe(2);
    expect(runWarden(['config', 'check', wardenConfig])).toMatchObject({ status: 0, stdout: `${wardenConfig}: ok\n` });
  });

  it('lists the catalog and explains a check', () => {
    const list = runWarden(['checks']);
    expect(list.status).toBe(0);
    const firstId = list.stdout.split('\n')[1]?.split(/\s+/)[0] ?? '';
    expect(firstId).toMatch(/^[a-z0-9-]+$/);
    const explain = runWarden(['explain', firstId]);
    expect(explain.status).toBe(0);
    expect(explain.stdout).toMatch(/Why it matters:[\s\S]*How to fix it:[\s\S]*GitLab: /);
  });

  it('exits 1 when findings reach --fail-on, 0 when they do not', () => {
    const failing = scan(host.root);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain('shell-runner');
    expect(failing.stdout).toMatch(/^Summary: /m);
    expect(scan(host.root, '--fail-on', 'none').status).toBe(0);
  });

  it('exits 0 on a host with nothing to report at the threshold', () => {
    const run = scan(quiet.root, '--fail-on', 'high');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('never shows a token in any format', () => {
    for (const format of ['table', 'json', 'sarif', 'junit']) {
      const run = scan(host.root, '--format', format, '--verbose');
      expect(run.stdout.length, format).toBeGreaterThan(100);
      expect(run.stdout + run.stderr, format).not.toContain('CLITESTSECRETTOKEN');
    }
    const facts = runWarden(['facts', '--root', host.root, '--config', wardenConfig]);
    expect(facts.stdout).not.toContain('CLITESTSECRETTOKEN');
  });

  it('writes valid SARIF and JUnit to --output', () => {
    const sarifFile = host.path('/out.sarif');
    expect(scan(host.root, '--format', 'sarif', '--output', sarifFile).stdout).toBe('');
    expect(sarifErrors(JSON.parse(fs.readFileSync(sarifFile, 'utf8')))).toEqual([]);
    const junitFile = host.path('/out.xml');
    scan(host.root, '--format', 'junit', '--output', junitFile);
    expect(XMLValidator.validate(fs.readFileSync(junitFile, 'utf8'))).toBe(true);
  });

  it('replays a saved facts snapshot to identical findings and byte-identical JSON', () => {
    const factsFile = host.path('/facts.json');
    runWarden(['facts', '--root', host.root, '--config', wardenConfig, '--output', factsFile]);
    const first = scan(host.root, '--facts', factsFile, '--format', 'json');
    const second = scan(host.root, '--facts', factsFile, '--format', 'json');
    expect(first.stdout).toBe(second.stdout);
    const live = JSON.parse(scan(host.root, '--format', 'json').stdout);
    const replayed = JSON.parse(first.stdout);
    const key = (r: { findings: { fingerprint: string; severity: string }[] }) => r.findings.map((f) => `${f.fingerprint}:${f.severity}`).sort();
    expect(key(replayed)).toEqual(key(live));
    expect(replayed.findings.length).toBeGreaterThan(0);
  });

  it('--only and --skip select checks by id or category', () => {
    const all = JSON.parse(scan(host.root, '--format', 'json').stdout);
    const first = all.findings[0];
    const only = JSON.parse(scan(host.root, '--format', 'json', '--only', first.checkId).stdout);
    expect(only.checks.map((c: { id: string }) => c.id)).toEqual([first.checkId]);
    const skipped = JSON.parse(scan(host.root, '--format', 'json', '--skip', first.category).stdout);
    expect(skipped.checks.some((c: { category: string }) => c.category === first.category)).toBe(false);
  });

  it('marks suppressed findings and reports expired suppressions', () => {
    const all = JSON.parse(scan(host.root, '--format', 'json').stdout);
    const target = all.findings[0];
    const config = host.path('/suppress.toml');
    fs.writeFileSync(
      config,
      `[docker]\nsocket = "/nonexistent/docker.sock"\n[network]\nmetadata_probes = "never"\n` +
        `[[suppress]]\ncheck = "${target.checkId}"\nsubject = "*"\nreason = "accepted for the test"\n` +
        `[[suppress]]\ncheck = "${target.checkId}"\nsubject = "*"\nreason = "old"\nexpires = 2001-01-01\n`,
    );
    const run = runWarden(['scan', '--root', host.root, '--config', config, '--format', 'json']);
    const result = JSON.parse(run.stdout);
    const same = result.findings.filter((f: { checkId: string }) => f.checkId === target.checkId);
    expect(same.every((f: { suppressed?: { reason: string } }) => f.suppressed?.reason === 'accepted for the test')).toBe(true);
    expect(result.suppressions.expired).toHaveLength(1);
    const table = runWarden(['scan', '--root', host.root, '--config', config]);
    expect(table.stdout).toMatch(/\d+ suppressed/);
    expect(table.stdout).toContain('expired on 2001-01-01');
  });

  it('a hung collector leaves a complete scan with an error entry and an honest exit code', async () => {
    // A Docker socket that accepts and never answers.
    const socketPath = host.path('/hung.sock');
    const server = net.createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const config = host.path('/hung.toml');
    fs.writeFileSync(config, `[scan]\ncollector_timeout_seconds = 2\n[docker]\nsocket = "${socketPath}"\n[network]\nmetadata_probes = "never"\n`);
    const run = await new Promise<{ status: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(__dirname, '../../dist/agent/cli/main.js'), 'scan', '--root', quiet.root, '--config', config, '--format', 'json', '--fail-on', 'critical'], {
        env: { ...process.env, DOCKER_HOST: undefined },
      });
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.on('close', (status) => resolve({ status, stdout }));
    });
    server.close();
    const result = JSON.parse(run.stdout);
    const docker = result.collectors.find((c: { provides: string }) => c.provides === 'docker');
    expect(docker.status).toBe('error');
    expect(result.checks.filter((c: { status: string }) => c.status === 'error').length).toBeGreaterThan(0);
    expect(run.status).toBe(2);
  });

  it('hands a slow reader on a pipe the whole report before exiting', () => {
    // Enough working copies that the facts exceed a 64 KiB pipe buffer.
    const big = new SyntheticHost().withIdentity('big-host');
    big.write('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\ngitlab-runner:x:999:999::/home/gitlab-runner:/bin/bash\n');
    for (let i = 0; i < 300; i++) big.write(`/home/gitlab-runner/builds/abc123/0/group/project-${i}/.git/config`, '[core]\n\tbare = false\n');
    const main = path.join(__dirname, '../../dist/agent/cli/main.js');
    const direct = big.path('/direct.json');
    runWarden(['facts', '--root', big.root, '--config', wardenConfig, '--output', direct]);
    const piped = spawnSync('sh', ['-c', `"${process.execPath}" "${main}" facts --root "${big.root}" --config "${wardenConfig}" | (sleep 1; cat)`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const expected = fs.readFileSync(direct, 'utf8').length;
    expect(expected).toBeGreaterThan(65_536);
    // Collection times differ between runs; the length of a complete JSON document is what counts.
    expect(Math.abs(piped.stdout.length - expected)).toBeLessThan(200);
    expect(() => JSON.parse(piped.stdout)).not.toThrow();
    big.cleanup();
  });

  it('uses colour only on a terminal and never with NO_COLOR', () => {
    expect(scan(host.root).stdout).not.toContain('\u001b[');
    // util-linux `script` gives the CLI a real terminal.
    const main = path.join(__dirname, '../../dist/agent/cli/main.js');
    const command = `${process.execPath} ${main} scan --root ${host.root} --config ${wardenConfig} 2>/dev/null`;
    const onTty = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: undefined } });
    expect(onTty.stdout).toMatch(/\u001b\[31mHIGH \(\d+\)/);
    const noColor = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(noColor.stdout).toMatch(/^HIGH \(\d+\)/m);
    expect(noColor.stdout).not.toContain('\u001b[');
  });
});
