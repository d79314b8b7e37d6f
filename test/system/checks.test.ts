import { describe, expect, it } from 'vitest';
import type { Check, CheckOutcome, FactsWith } from '../../agent/core/check.js';
import type { FactDomain } from '../../agent/core/facts.js';
import { judge } from '../../agent/core/judge.js';
import type { Severity } from '../../agent/core/severity.js';
import type { SystemFacts } from '../../collectors/system/types.js';
import { gitConfigDangerous } from '../../checks/system/git-config-dangerous.js';
import { jobHomeCredentials } from '../../checks/system/job-home-credentials.js';
import { jobUserDockerGroup } from '../../checks/system/job-user-docker-group.js';
import { jobUserSudo } from '../../checks/system/job-user-sudo.js';
import { leftoverBuildCredentials } from '../../checks/system/leftover-build-credentials.js';
import { leftoverJobTempFiles } from '../../checks/system/leftover-job-temp-files.js';
import { persistentWorkingCopies } from '../../checks/system/persistent-working-copies.js';
import { shellJobsAsRoot } from '../../checks/system/shell-jobs-as-root.js';
import { shellStartupFilesWritable } from '../../checks/system/shell-startup-files-writable.js';
import { sshAuthorizedKeysWritable } from '../../checks/system/ssh-authorized-keys-writable.js';
import { sshPrivateKeyReadable } from '../../checks/system/ssh-private-key-readable.js';
import { sshdConfigWeak } from '../../checks/system/sshd-config-weak.js';
import { systemScanIncomplete } from '../../checks/system/system-scan-incomplete.js';
import { systemChecks } from '../../checks/system/index.js';
import { buildDir, factsOf, jobUser, quietSystem, runner, workingCopy } from './facts.js';

interface Case {
  name: string;
  system: SystemFacts;
  /** 'pass', 'not-applicable', or the severities of the findings in order. */
  expect: 'pass' | 'not-applicable' | Severity[];
  /** Text every finding message must contain. */
  says?: string;
}

function run(check: Check, system: SystemFacts): CheckOutcome {
  // Every system check requires only 'system', which these facts carry.
  return check.evaluate(factsOf(system) as FactsWith<FactDomain>);
}

function table(check: Check, cases: Case[]): void {
  describe(check.meta.id, () => {
    it.each(cases)('$name', ({ system, expect: wanted, says }) => {
      const outcome = run(check, system);
      if (wanted === 'pass' || wanted === 'not-applicable') {
        expect(outcome.status).toBe(wanted);
        return;
      }
      expect(outcome.status).toBe('fail');
      if (outcome.status !== 'fail') return;
      expect(outcome.findings.map((f) => f.severity ?? check.meta.severity)).toEqual(wanted);
      if (says) for (const finding of outcome.findings) expect(finding.message).toContain(says);
    });
  });
}

const inDocker = (over = {}) => quietSystem({ jobUsers: [jobUser({ groups: ['gitlab-runner', 'docker'], gids: [999, 998], ...over })] });
const noShell = { runners: [runner({ executor: 'docker', jobUser: null, buildsDir: null })] };

table(jobUserDockerGroup, [
  { name: 'a quiet host passes', system: quietSystem(), expect: 'pass' },
  { name: 'shell job user in docker (supplementary): critical', system: inDocker(), expect: ['critical'], says: 'every shell job can become root' },
  { name: 'job user whose primary group is docker: critical', system: inDocker({ gid: 998, gids: [998] }), expect: ['critical'] },
  { name: 'in docker but no shell runner: high', system: { ...inDocker({ runners: [] }), ...noShell }, expect: ['high'], says: 'a compromise of the account' },
  {
    name: 'in the group that owns the socket under another name',
    system: quietSystem({ jobUsers: [jobUser({ groups: ['gitlab-runner', 'dockremote'], gids: [999, 1234] })], dockerGroups: [{ name: 'dockremote', gid: 1234, reason: 'owns-socket', members: [] }] }),
    expect: ['critical'],
    says: 'owns the Docker socket',
  },
  {
    name: 'in a group an ACL on the socket grants read-write',
    system: quietSystem({ jobUsers: [jobUser({ groups: ['gitlab-runner', 'ci'], gids: [999, 1500] })], dockerGroups: [{ name: 'ci', gid: 1500, reason: 'socket-acl', members: [] }] }),
    expect: ['critical'],
    says: 'an ACL on the Docker socket grants read-write',
  },
  {
    name: 'granted read-write by name in the socket ACL: critical',
    system: quietSystem({ dockerSocketUserGrants: [{ socket: '/var/run/docker.sock', user: 'gitlab-runner', uid: 999 }] }),
    expect: ['critical'],
    says: 'an ACL on /var/run/docker.sock grants',
  },
  { name: "another account's ACL grant is not the job user's", system: quietSystem({ dockerSocketUserGrants: [{ socket: '/var/run/docker.sock', user: 'alice', uid: 1002 }] }), expect: 'pass' },
  { name: 'root job user is left to shell-jobs-as-root', system: quietSystem({ jobUsers: [jobUser({ name: 'root', uid: 0, gid: 0, gids: [0, 998] })] }), expect: 'pass' },
]);

const withTemp = (files: string[], count = 1) =>
  quietSystem({ buildDirs: [buildDir({ jobTempDirCount: count, jobTempDirs: [{ path: '/home/gitlab-runner/builds/s/0/g/app.tmp', project: 'g/app', fileCount: files.length, files, mtimeMs: 0 }] })] });

table(leftoverJobTempFiles, [
  { name: 'no temp dir with files passes', system: quietSystem(), expect: 'pass' },
  { name: 'file variables left behind: high, named', system: withTemp(['CI_SERVER_TLS_CA_FILE', 'KUBECONFIG', 'DEPLOY_KEY']), expect: ['high'], says: 'file variables among them (KUBECONFIG, DEPLOY_KEY)' },
  { name: "only the runner's CA file: low", system: withTemp(['CI_SERVER_TLS_CA_FILE']), expect: ['low'], says: "the runner's CA file only" },
  { name: 'counts every temp dir, not only those listed', system: withTemp(['KUBECONFIG'], 45), expect: ['high'], says: '45 job temporary dirs' },
]);

const sudo = (rule: Partial<SystemFacts['sudo']['rules'][number]>, user = jobUser({ groups: ['gitlab-runner', 'sudo'], gids: [999, 27] })) =>
  quietSystem({ jobUsers: [user], sudo: { files: ['/etc/sudoers'], problems: [], rules: [{ source: '/etc/sudoers.d/ci:1', principals: ['gitlab-runner'], runAs: ['ALL'], commands: ['ALL'], nopasswd: true, allCommands: true, ...rule }] } });

table(jobUserSudo, [
  { name: 'a quiet host passes (root has sudo, the job user does not)', system: quietSystem(), expect: 'pass' },
  { name: 'NOPASSWD: ALL for the job user: critical', system: sudo({}), expect: ['critical'], says: 'without a password' },
  { name: 'ALL with a password: high', system: sudo({ nopasswd: false }), expect: ['high'] },
  { name: 'a NOPASSWD command list: high', system: sudo({ allCommands: false, commands: ['/usr/bin/systemctl restart app'] }), expect: ['high'] },
  { name: 'through %sudo group membership', system: sudo({ principals: ['%sudo'] }), expect: ['critical'] },
  { name: 'through %#gid', system: sudo({ principals: ['%#27'] }), expect: ['critical'] },
  { name: 'through ALL users', system: sudo({ principals: ['ALL'] }), expect: ['critical'] },
  { name: 'a group the job user is not in', system: sudo({ principals: ['%wheel'] }), expect: 'pass' },
  { name: 'negated for the job user', system: sudo({ principals: ['ALL', '!gitlab-runner'] }), expect: 'pass' },
]);

table(shellJobsAsRoot, [
  { name: 'shell jobs as gitlab-runner pass', system: quietSystem(), expect: 'pass' },
  { name: 'no shell runner: not applicable', system: quietSystem(noShell), expect: 'not-applicable' },
  {
    name: 'runner without --user running as root: critical',
    system: quietSystem({ runners: [runner({ jobUser: 'root' })], jobUsers: [jobUser({ name: 'root', uid: 0, gid: 0, source: 'runner-process' })] }),
    expect: ['critical'],
    says: 'runs its jobs as root',
  },
  {
    name: '--user naming a uid-0 alias: critical',
    system: quietSystem({ runners: [runner({ jobUser: 'toor' })], jobUsers: [jobUser({ name: 'toor', uid: 0, gid: 0 })] }),
    expect: ['critical'],
  },
]);

const key = (over: Partial<SystemFacts['ssh']['privateKeys'][number]>) =>
  quietSystem({ ssh: { ...quietSystem().ssh, privateKeys: [{ path: '/home/gitlab-runner/.ssh/id_ed25519', format: 'openssh', keyType: 'ssh-ed25519', encrypted: false, publicFingerprint: 'SHA256:abc', owner: 999, mode: 0o600, readableBy: ['gitlab-runner'], ...over }] } });

table(sshPrivateKeyReadable, [
  { name: 'a root-only key passes', system: key({ readableBy: [], owner: 0, path: '/root/.ssh/id_ed25519' }), expect: 'pass' },
  { name: 'unencrypted key readable by shell jobs: high', system: key({}), expect: ['high'], says: 'unencrypted' },
  { name: 'encrypted key readable by shell jobs: medium', system: key({ encrypted: true }), expect: ['medium'], says: 'passphrase-protected' },
  { name: 'unencrypted key readable by a job user with no shell runner: medium', system: { ...key({}), jobUsers: [jobUser({ runners: [] })], ...noShell }, expect: ['medium'] },
]);

const authorized = (writableBy: string[]) =>
  quietSystem({ ssh: { ...quietSystem().ssh, authorizedKeys: [{ path: '/home/gitlab-runner/.ssh/authorized_keys', user: 'gitlab-runner', keys: 1, restricted: 0, owner: 999, mode: 0o600, writableBy }] } });

table(sshAuthorizedKeysWritable, [
  { name: 'root-owned authorized_keys passes', system: authorized([]), expect: 'pass' },
  { name: 'job-writable authorized_keys: medium', system: authorized(['gitlab-runner']), expect: ['medium'], says: 'grants SSH logins as gitlab-runner' },
]);

const sshd = (permitRootLogin: string | null, passwordAuthentication: string | null) =>
  quietSystem({ ssh: { ...quietSystem().ssh, sshd: { path: '/etc/ssh/sshd_config', permitRootLogin, passwordAuthentication } } });

table(sshdConfigWeak, [
  { name: 'hardened sshd passes', system: sshd('no', 'no'), expect: 'pass' },
  { name: 'no sshd_config: not applicable', system: quietSystem({ ssh: { ...quietSystem().ssh, sshd: null } }), expect: 'not-applicable' },
  { name: 'root login and passwords: two low findings', system: sshd('yes', 'yes'), expect: ['low', 'low'] },
  { name: 'PasswordAuthentication unset defaults to yes', system: sshd('prohibit-password', null), expect: ['low'], says: 'password logins' },
]);

const credential = (over: Partial<SystemFacts['credentialFiles'][number]>) =>
  quietSystem({
    credentialFiles: [{ path: '/home/gitlab-runner/.docker/config.json', kind: 'docker-config', user: 'gitlab-runner', owner: 999, mode: 0o600, size: 120, mtimeMs: 0, hasSecrets: true, targets: ['registry.example.com'], fingerprint: 'fp1:0123456789abcdef', readableBy: ['gitlab-runner'], ...over }],
  });

table(jobHomeCredentials, [
  { name: 'a helper-only docker config passes', system: credential({ hasSecrets: false, fingerprint: null }), expect: 'pass' },
  { name: 'inline registry auth readable by shell jobs: high', system: credential({}), expect: ['high'], says: 'registry.example.com' },
  { name: 'readable only by a job user with no shell runner: medium', system: { ...credential({}), jobUsers: [jobUser({ runners: [] })], ...noShell }, expect: ['medium'] },
  { name: 'unreadable by any job user passes', system: credential({ readableBy: [] }), expect: 'pass' },
]);

const copies = (over: Partial<ReturnType<typeof buildDir>>, runners = [runner()]) => quietSystem({ runners, buildDirs: [buildDir({ workingCopyCount: 3, distinctProjects: 3, oldestMtimeMs: Date.parse('2026-10-30T06:00:00Z'), ...over })] });

table(persistentWorkingCopies, [
  { name: 'one project persisting passes', system: copies({ workingCopyCount: 1, distinctProjects: 1 }), expect: 'pass' },
  { name: 'no builds dir on the host: not applicable', system: quietSystem({ buildDirs: [buildDir({ exists: false })] }), expect: 'not-applicable' },
  { name: 'several projects under a shell runner with default strategy: high', system: copies({}), expect: ['high'], says: '3 working copies of 3 projects' },
  { name: 'runner pins clone: medium', system: copies({}, [runner({ gitStrategy: 'clone' })]), expect: ['medium'] },
  { name: 'runner pins clone and cleanup: low', system: copies({}, [runner({ gitStrategy: 'clone', jobCleanup: 'pinned' })]), expect: ['low'] },
  { name: 'cleanup only through environment does not lower it', system: copies({}, [runner({ jobCleanup: 'environment' })]), expect: ['high'] },
  { name: 'submodule contents kept raise a lowered severity', system: copies({ withSubmodules: 1 }, [runner({ gitStrategy: 'clone' })]), expect: ['high'], says: 'submodule' },
  { name: 'a dir no runner names: medium', system: copies({ runners: [] }), expect: ['medium'] },
]);

table(leftoverBuildCredentials, [
  { name: 'clean remotes pass', system: quietSystem({ buildDirs: [buildDir({ workingCopyCount: 1, workingCopies: [workingCopy()] })] }), expect: 'pass' },
  {
    name: 'job tokens only: low',
    system: quietSystem({ buildDirs: [buildDir({ withCredentials: 1, workingCopies: [workingCopy({ credentials: [{ kind: 'job-token', fingerprint: 'fp1:1111111111111111' }] })] })] }),
    expect: ['low'],
    says: 'job tokens only',
  },
  {
    name: 'a personal access token in a remote: high',
    system: quietSystem({ buildDirs: [buildDir({ withCredentials: 1, workingCopies: [workingCopy({ credentials: [{ kind: 'gitlab-token', fingerprint: 'fp1:2222222222222222' }] })] })] }),
    expect: ['high'],
  },
]);

const startup = (writableBy: string[], runners = ['shell-1']) =>
  quietSystem({ jobUsers: [jobUser({ runners })], startupFiles: [{ path: '/home/gitlab-runner/.bashrc', user: 'gitlab-runner', exists: true, owner: 999, mode: 0o644, mtimeMs: 0, writableBy }] });

table(shellStartupFilesWritable, [
  { name: 'root-owned startup files pass', system: startup([]), expect: 'pass' },
  { name: 'no shell runner: not applicable', system: { ...startup(['gitlab-runner'], []), ...noShell }, expect: 'not-applicable' },
  { name: 'writable by the job user of one shell runner: medium', system: startup(['gitlab-runner']), expect: ['medium'] },
  { name: 'shared by two shell runners: high', system: startup(['gitlab-runner'], ['shell-1', 'shell-2']), expect: ['high'] },
]);

const gitConfig = (risk: SystemFacts['gitConfigs'][number]['settings'][number]['risk'], scope: 'system' | 'global' = 'global', credentialFingerprint: string | null = null) =>
  quietSystem({
    gitConfigs: [{ path: scope === 'system' ? '/etc/gitconfig' : '/home/gitlab-runner/.gitconfig', scope, user: scope === 'system' ? null : 'gitlab-runner', owner: 999, mode: 0o644, settings: [{ key: 'x.y', value: 'v', risk, credentialFingerprint, line: 2 }], writableBy: [] }],
  });

table(gitConfigDangerous, [
  { name: 'no settings: pass', system: quietSystem({ gitConfigs: [] }), expect: 'pass' },
  { name: 'no shell runner: not applicable', system: { ...gitConfig('hooks-path'), ...noShell, jobUsers: [jobUser({ runners: [] })] }, expect: 'not-applicable' },
  { name: 'plaintext credential store: high', system: gitConfig('plaintext-credentials'), expect: ['high'] },
  { name: 'sslVerify off in /etc/gitconfig: high', system: gitConfig('tls-verify-off', 'system'), expect: ['high'], says: '/etc/gitconfig' },
  { name: 'a URL rewrite: medium', system: gitConfig('url-rewrite'), expect: ['medium'] },
  { name: 'a URL rewrite carrying a token: high', system: gitConfig('url-rewrite', 'global', 'fp1:3333333333333333'), expect: ['high'] },
  { name: 'safe.directory = *: low', system: gitConfig('safe-directory-any'), expect: ['low'] },
]);

table(systemScanIncomplete, [
  { name: 'a complete walk passes', system: quietSystem(), expect: 'pass' },
  { name: 'a walk cut at its entry limit: medium', system: quietSystem({ buildDirs: [buildDir({ walk: { ...buildDir().walk, limits: ['entries'], truncatedAt: ['/home/gitlab-runner/builds/junk'] } })] }), expect: ['medium'], says: 'entries limit' },
  { name: 'a builds dir that is a symlink: high', system: quietSystem({ buildDirs: [buildDir({ problem: 'cannot walk: symlink' })] }), expect: ['high'] },
  { name: 'a file that could not be read safely: low', system: quietSystem({ errors: ['/etc/passwd: not-regular (fifo)'] }), expect: ['low'], says: 'could not be read safely' },
]);

describe('system checks through the engine', () => {
  it('a hostile host yields sanitised findings with no secret', () => {
    const system = quietSystem({
      ...inDocker(),
      credentialFiles: [{ path: '/home/gitlab-runner/.netrc\u001b[2J', kind: 'netrc', user: 'gitlab-runner', owner: 999, mode: 0o600, size: 40, mtimeMs: 0, hasSecrets: true, targets: ['x'], fingerprint: 'fp1:0123456789abcdef', readableBy: ['gitlab-runner'] }],
    });
    const result = judge(factsOf(system), systemChecks, []);
    expect(result.findings.map((f) => f.checkId).sort()).toEqual(['job-home-credentials', 'job-user-docker-group']);
    for (const finding of result.findings) expect(finding.message).not.toMatch(/[\u0000-\u001f]/);
  });

  it('every system check can fail and can pass (none is constant)', () => {
    const failing = new Set<string>();
    const passing = new Set<string>();
    const systems = [quietSystem(), inDocker(), sudo({}), key({}), authorized(['gitlab-runner']), sshd('yes', 'yes'), credential({}), copies({ withCredentials: 1, workingCopies: [workingCopy({ credentials: [{ kind: 'password', fingerprint: 'fp1:4' }] })] }), startup(['gitlab-runner']), gitConfig('hooks-path'), withTemp(['KUBECONFIG']), quietSystem({ runners: [runner({ jobUser: 'root' })], jobUsers: [jobUser({ name: 'root', uid: 0, gid: 0 })], buildDirs: [buildDir({ problem: 'cannot walk: symlink' })] })];
    for (const system of systems) {
      for (const check of systemChecks) {
        const status = run(check, system).status;
        if (status === 'fail') failing.add(check.meta.id);
        if (status === 'pass') passing.add(check.meta.id);
      }
    }
    for (const check of systemChecks) expect(check.meta.requires).toEqual(['system']);
    const ids = systemChecks.map((c) => c.meta.id).sort();
    expect([...failing].sort()).toEqual(ids);
    expect([...passing].sort()).toEqual(ids);
  });
});
