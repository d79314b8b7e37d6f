import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyntheticHost } from '../helpers/host.js';
import { DOCKER_GID, JOB_UID, collect, configWith, runnerEntry, runnerFacts, runnerHost, writeAsJob } from './harness.js';

let host: SyntheticHost;
afterEach(() => host?.cleanup());

describe('system collector: accounts, groups, sudo', () => {
  it('with no runner found, judges the default job user gitlab-runner and its home builds dir', async () => {
    host = runnerHost({ dockerMembers: 'gitlab-runner' });
    host.mkdir('/home/gitlab-runner/builds');
    const facts = await collect(host.root);
    expect(facts.runners).toEqual([]);
    expect(facts.jobUsers).toEqual([
      { name: 'gitlab-runner', uid: JOB_UID, gid: JOB_UID, home: '/home/gitlab-runner', source: 'default', runners: [], groups: ['gitlab-runner', 'docker'], gids: [JOB_UID, DOCKER_GID] },
    ]);
    expect(facts.buildDirs.map((d) => [d.path, d.kind, d.exists])).toEqual([
      ['/home/gitlab-runner/builds', 'builds', true],
      ['/home/gitlab-runner/cache', 'cache', false],
    ]);
  });

  it('takes the job user from the runner facts and ties shell runners to it', async () => {
    host = runnerHost({ extraPasswd: 'ci:x:1500:1500::/srv/ci:/bin/bash\n', extraGroup: 'ci:x:1500:\n' });
    host.mkdir('/srv/ci');
    const facts = await collect(host.root, { runner: runnerFacts([runnerEntry({ effectiveBuildsDir: '/srv/ci/builds', effectiveCacheDir: null }), runnerEntry({ name: 'docker-runner', executor: 'docker', effectiveBuildsDir: null })], 'ci') });
    expect(facts.jobUsers.map((u) => [u.name, u.uid, u.source, u.runners])).toEqual([['ci', 1500, 'runner-user-flag', ['shell-runner']]]);
    expect(facts.runners.map((r) => [r.name, r.jobUser, r.buildsDir, r.runnerRunsAsRoot])).toEqual([
      ['shell-runner', 'ci', '/srv/ci/builds', true],
      ['docker-runner', null, null, true],
    ]);
  });

  it('without --user, shell jobs run as the runner process user (root)', async () => {
    host = runnerHost();
    const facts = await collect(host.root, { runner: runnerFacts([runnerEntry()], null, 'root') });
    expect(facts.jobUsers.map((u) => [u.name, u.uid, u.source])).toEqual([['root', 0, 'runner-process']]);
  });

  it('finds docker group members by supplementary list and by primary gid, and the group owning the socket', async () => {
    host = runnerHost({ dockerMembers: 'alice', extraPasswd: `bob:x:1001:${DOCKER_GID}::/home/bob:/bin/sh\nalice:x:1002:1002::/home/alice:/bin/sh\n`, extraGroup: 'sockgrp:x:1234:gitlab-runner\n' });
    host.mkdir('/run');
    // A bound unix socket left on disk, as dockerd leaves its own (Node removes its sockets on close).
    execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', host.path('/run/docker.sock')]);
    fs.chownSync(host.path('/run/docker.sock'), 0, 1234);
    fs.chmodSync(host.path('/run/docker.sock'), 0o660);
    const facts = await collect(host.root);
    expect(facts.dockerGroups).toEqual([
      { name: 'docker', gid: DOCKER_GID, reason: 'named-docker', members: [{ user: 'bob', via: 'primary' }, { user: 'alice', via: 'supplementary' }] },
      { name: 'sockgrp', gid: 1234, reason: 'owns-socket', members: [{ user: 'gitlab-runner', via: 'supplementary' }] },
    ]);
  });

  it('reads sudoers with #include, @includedir, aliases, group rules and NOPASSWD', async () => {
    host = runnerHost();
    host
      .write('/etc/sudoers', 'Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n#include /etc/sudoers.local\n@includedir /etc/sudoers.d\n')
      .write('/etc/sudoers.local', 'User_Alias CI = gitlab-runner, deploy\nCmnd_Alias SVC = /usr/bin/systemctl restart app, \\\n  /usr/bin/journalctl\nCI ALL = (root) NOPASSWD: SVC\n')
      .write('/etc/sudoers.d/ci', '# comment\ngitlab-runner ALL=(ALL) NOPASSWD: ALL  # dangerous\n')
      .write('/etc/sudoers.d/skipped.bak', 'gitlab-runner ALL=(ALL) ALL\n')
      .write('/etc/sudoers.d/old~', 'gitlab-runner ALL=(ALL) ALL\n');
    const facts = await collect(host.root);
    expect(facts.sudo.files).toEqual(['/etc/sudoers', '/etc/sudoers.local', '/etc/sudoers.d/ci']);
    expect(facts.sudo.rules).toEqual([
      { source: '/etc/sudoers:2', principals: ['root'], runAs: ['ALL'], commands: ['ALL'], nopasswd: false, allCommands: true },
      { source: '/etc/sudoers:3', principals: ['%sudo'], runAs: ['ALL'], commands: ['ALL'], nopasswd: false, allCommands: true },
      { source: '/etc/sudoers.local:4', principals: ['gitlab-runner', 'deploy'], runAs: ['root'], commands: ['/usr/bin/systemctl restart app', '/usr/bin/journalctl'], nopasswd: true, allCommands: false },
      { source: '/etc/sudoers.d/ci:2', principals: ['gitlab-runner'], runAs: ['ALL'], commands: ['ALL'], nopasswd: true, allCommands: true },
    ]);
  });

  it('applies Defaults !authenticate as NOPASSWD and reports a missing include', async () => {
    host = runnerHost();
    host.write('/etc/sudoers', '%wheel ALL=(ALL) ALL\nDefaults:%wheel !authenticate\n#include /etc/nowhere\n');
    const facts = await collect(host.root);
    expect(facts.sudo.rules[0]).toMatchObject({ principals: ['%wheel'], nopasswd: true, allCommands: true });
    expect(facts.sudo.problems).toEqual(['/etc/nowhere: included but absent']);
  });
});

describe('system collector: build dirs', () => {
  it('walks the dirs named in system.builds_dirs too, tied to no runner', async () => {
    host = runnerHost();
    host.write('/srv/extra/ns/app/.git/config', '[remote "origin"]\n\turl = https://h/ns/app.git\n');
    const facts = await collect(host.root, {}, configWith({ builds_dirs: ['/srv/extra'] }));
    expect(facts.buildDirs.find((d) => d.path === '/srv/extra')).toMatchObject({ runners: [], exists: true, workingCopyCount: 1, problem: null });
  });

  it('a builds dir replaced by a symlink is refused and said so, never followed', async () => {
    host = runnerHost();
    host.mkdir('/elsewhere/ns/app/.git');
    host.symlink('/home/gitlab-runner/builds', '/elsewhere');
    const facts = await collect(host.root);
    expect(facts.buildDirs.find((d) => d.path === '/home/gitlab-runner/builds')).toMatchObject({ exists: true, problem: 'cannot walk: symlink', workingCopyCount: 0 });
  });
});

describe('system collector: homes', () => {
  it('finds keys of any name, says who can read them, and never keeps key material', async () => {
    host = runnerHost({ extraPasswd: 'alice:x:1002:1002::/home/alice:/bin/sh\n' });
    const keyDir = fs.mkdtempSync(path.join(host.root, 'gen-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(keyDir, 'k')]);
    const key = fs.readFileSync(path.join(keyDir, 'k'), 'utf8');
    writeAsJob(host, '/home/gitlab-runner/.ssh/deploy_key', key, 0o600);
    host.write('/root/.ssh/id_ed25519', { content: key, mode: 0o600 });
    host.mkdir('/home/alice', 0o755).write('/home/alice/backup.pem', { content: key, mode: 0o644 });
    writeAsJob(host, '/home/gitlab-runner/.ssh/authorized_keys', 'ssh-ed25519 AAAA a\nfrom="10.0.0.1" ssh-ed25519 AAAA b\n', 0o600);
    const facts = await collect(host.root);
    expect(facts.ssh.homesSearched.sort()).toEqual(['/home/alice', '/home/gitlab-runner', '/root']);
    const byPath = Object.fromEntries(facts.ssh.privateKeys.map((k) => [k.path, k]));
    expect(byPath['/home/gitlab-runner/.ssh/deploy_key']).toMatchObject({ format: 'openssh', keyType: 'ssh-ed25519', encrypted: false, readableBy: ['gitlab-runner'] });
    expect(byPath['/home/alice/backup.pem']).toMatchObject({ readableBy: ['gitlab-runner'] });
    expect(byPath['/root/.ssh/id_ed25519']).toMatchObject({ readableBy: [] });
    expect(facts.ssh.authorizedKeys).toEqual([
      { path: '/home/gitlab-runner/.ssh/authorized_keys', user: 'gitlab-runner', keys: 2, restricted: 1, owner: JOB_UID, mode: 0o600, writableBy: ['gitlab-runner'] },
    ]);
    const body = key.split('\n')[1] as string;
    expect(JSON.stringify(facts)).not.toContain(body.slice(0, 20));
  });

  it('records credential files by presence, target and fingerprint only', async () => {
    host = runnerHost();
    const secret = 'dXNlcjpzdXBlcnNlY3JldHBhc3N3b3Jk';
    writeAsJob(host, '/home/gitlab-runner/.docker/config.json', JSON.stringify({ auths: { 'registry.example.com': { auth: secret }, 'helper.example.com': {} }, credsStore: 'pass' }));
    writeAsJob(host, '/home/gitlab-runner/.git-credentials', 'https://deploy:glpat-abcdefghijklmnop1234@gitlab.example.com\n', 0o600);
    writeAsJob(host, '/home/gitlab-runner/.netrc', 'machine gitlab.example.com login x password hunter2hunter2\n', 0o600);
    writeAsJob(host, '/home/gitlab-runner/.aws/credentials', '[default]\naws_access_key_id = AKIAAAAAAAAAAAAAAAAA\naws_secret_access_key = abc/def\n', 0o600);
    writeAsJob(host, '/home/gitlab-runner/.kube/config', 'clusters:\n- cluster:\n    server: https://k8s.example.com:6443\nusers:\n- user:\n    token: eyJhbGciOi\n', 0o600);
    const facts = await collect(host.root);
    expect(facts.credentialFiles.map((c) => [c.kind, c.hasSecrets, c.targets, c.readableBy])).toEqual([
      ['docker-config', true, ['registry.example.com'], ['gitlab-runner']],
      ['git-credentials', true, ['gitlab.example.com'], ['gitlab-runner']],
      ['netrc', true, ['gitlab.example.com'], ['gitlab-runner']],
      ['aws-credentials', true, ['default'], ['gitlab-runner']],
      ['kube-config', true, ['k8s.example.com'], ['gitlab-runner']],
    ]);
    for (const file of facts.credentialFiles) expect(file.fingerprint).toMatch(/^fp1:[0-9a-f]{16}$/);
    const json = JSON.stringify(facts);
    for (const leaked of [secret, 'glpat-abcdefghijklmnop1234', 'hunter2hunter2', 'abc/def', 'eyJhbGciOi']) expect(json).not.toContain(leaked);
  });

  it('reports startup files the job user can change, existing or creatable', async () => {
    host = runnerHost();
    writeAsJob(host, '/home/gitlab-runner/.bashrc', 'echo hi\n');
    host.write('/home/gitlab-runner/.profile', { content: '# root-owned\n', mode: 0o644 });
    const facts = await collect(host.root);
    const byName = Object.fromEntries(facts.startupFiles.map((f) => [path.basename(f.path), [f.exists, f.writableBy]]));
    // The home belongs to the job user: it can replace even root's file, and create the missing ones.
    expect(byName).toEqual({
      '.bash_profile': [false, ['gitlab-runner']],
      '.bash_login': [false, ['gitlab-runner']],
      '.profile': [true, ['gitlab-runner']],
      '.bashrc': [true, ['gitlab-runner']],
      '.bash_logout': [false, ['gitlab-runner']],
    });
  });

  it('a root-owned home with root-owned startup files leaves the job user nothing to change', async () => {
    host = runnerHost();
    fs.chownSync(host.path('/home/gitlab-runner'), 0, 0);
    host.write('/home/gitlab-runner/.profile', { content: '# root-owned\n', mode: 0o644 });
    const facts = await collect(host.root);
    expect(facts.startupFiles.every((f) => f.writableBy.length === 0)).toBe(true);
  });

  it('flags dangerous git settings in system and global config, credentials fingerprinted', async () => {
    host = runnerHost();
    host.write('/etc/gitconfig', '[http]\n\tsslVerify = false\n[safe]\n\tdirectory = *\n');
    writeAsJob(
      host,
      '/home/gitlab-runner/.gitconfig',
      '[credential]\n\thelper = store\n[url "https://gitlab-ci-token:glcbt-SECRETSECRET@gitlab.example.com/"]\n\tinsteadOf = https://gitlab.example.com/\n[core]\n\thooksPath = /tmp/hooks\n\tfsmonitor = "touch /tmp/x"\n[include]\n\tpath = /etc/shadow\n',
    );
    const facts = await collect(host.root);
    const system = facts.gitConfigs.find((g) => g.scope === 'system');
    expect(system?.settings.map((s) => [s.key, s.risk])).toEqual([
      ['http.sslverify', 'tls-verify-off'],
      ['safe.directory', 'safe-directory-any'],
    ]);
    const global = facts.gitConfigs.find((g) => g.scope === 'global');
    expect(global?.settings.map((s) => [s.risk, s.line])).toEqual([
      ['plaintext-credentials', 2],
      ['url-rewrite', 4],
      ['hooks-path', 6],
      ['runs-command', 7],
      ['include', 9],
    ]);
    expect(global?.settings[1]?.credentialFingerprint).toMatch(/^fp1:/);
    expect(global?.writableBy).toEqual(['gitlab-runner']);
    expect(JSON.stringify(facts)).not.toContain('glcbt-SECRETSECRET');
  });

  it('reads sshd_config basics: first value wins, Include followed, Match blocks left out', async () => {
    host = runnerHost();
    host.write('/etc/ssh/sshd_config', 'Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nMatch User x\n  PasswordAuthentication yes\n');
    host.write('/etc/ssh/sshd_config.d/10-cloud.conf', 'PasswordAuthentication no\nPermitRootLogin yes\n');
    const facts = await collect(host.root);
    expect(facts.ssh.sshd).toEqual({ path: '/etc/ssh/sshd_config', permitRootLogin: 'yes', passwordAuthentication: 'no' });
  });
});
