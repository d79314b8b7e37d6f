import fs from 'node:fs';
import path from 'node:path';
import { BUILDS_DIR, benchRunners, runnerConfigToml, shellRunners, type BenchRunner } from './runner-config.js';
import type { BenchKey } from './ssh-keys.js';

/** What a loaded host holds besides its working copies (fixed across sizes). */
export const USER_COUNT = 200;
export const KEY_COUNT = 50;
const RUNNER_UID = 999;
const RUNNER_GID = 999;

export interface HostShape {
  projects: number;
  /** Regular files in each working copy besides .git/config and .git/HEAD. */
  filesPerCopy: number;
}

export interface LoadedHost extends HostShape {
  root: string;
  /** Files and directories written under the builds dir. */
  buildEntries: number;
}

/** Writes files by host path under a root; owner and mode set where the scan might judge them. */
class RootWriter {
  constructor(readonly root: string) {}

  path(hostPath: string): string {
    return path.join(this.root, hostPath);
  }

  mkdir(hostPath: string, mode = 0o755, owner?: [number, number]): void {
    const target = this.path(hostPath);
    fs.mkdirSync(target, { recursive: true, mode });
    fs.chmodSync(target, mode);
    if (owner) fs.chownSync(target, owner[0], owner[1]);
  }

  write(hostPath: string, content: string, mode = 0o644, owner?: [number, number]): void {
    const target = this.path(hostPath);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content, { mode });
    fs.chmodSync(target, mode);
    if (owner) fs.chownSync(target, owner[0], owner[1]);
  }
}

interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** root, the usual system accounts, gitlab-runner, then people: USER_COUNT in all. */
function accounts(): Account[] {
  const system = ['daemon', 'bin', 'sys', 'sync', 'games', 'man', 'lp', 'mail', 'news', 'uucp', 'proxy', 'www-data', 'backup', 'list', 'irc', 'nobody', 'systemd-network', 'messagebus', 'sshd'];
  const list: Account[] = [{ name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/bash' }];
  system.forEach((name, index) => list.push({ name, uid: index + 1, gid: index + 1, home: `/var/lib/${name}`, shell: '/usr/sbin/nologin' }));
  list.push({ name: 'gitlab-runner', uid: RUNNER_UID, gid: RUNNER_GID, home: '/home/gitlab-runner', shell: '/bin/bash' });
  for (let index = 0; list.length < USER_COUNT; index += 1) {
    const name = `user${String(index).padStart(3, '0')}`;
    list.push({ name, uid: 1000 + index, gid: 1000 + index, home: `/home/${name}`, shell: index % 7 === 0 ? '/usr/sbin/nologin' : '/bin/bash' });
  }
  return list;
}

function writeAccounts(host: RootWriter, users: readonly Account[]): void {
  host.write('/etc/passwd', users.map((u) => `${u.name}:x:${u.uid}:${u.gid}:${u.name}:${u.home}:${u.shell}\n`).join(''));
  host.write('/etc/shadow', users.map((u) => `${u.name}:${u.shell.endsWith('nologin') ? '*' : '!'}:20000:0:99999:7:::\n`).join(''), 0o640);
  const people = users.filter((u) => u.uid >= 1000).map((u) => u.name);
  const extraGroups = [
    `sudo:x:27:${people.slice(0, 5).join(',')}`,
    `docker:x:998:gitlab-runner,${people.slice(5, 25).join(',')}`,
    `adm:x:4:${people.slice(25, 28).join(',')}`,
  ];
  const own = users.map((u) => `${u.name}:x:${u.gid}:`);
  host.write('/etc/group', [...own, ...extraGroups].join('\n') + '\n');
  host.write('/etc/sudoers.d/gitlab-runner', 'gitlab-runner ALL=(ALL) NOPASSWD: ALL\n', 0o440);
  for (const user of users) if (user.home.startsWith('/home/')) host.mkdir(user.home, 0o750, [user.uid, user.gid]);
  host.mkdir('/root', 0o700);
}

/** Spreads KEY_COUNT keys over host keys, root, gitlab-runner and people, as a busy host has them. */
function writeKeys(host: RootWriter, users: readonly Account[], keys: readonly BenchKey[]): void {
  const queue = [...keys];
  const take = (): BenchKey => queue.shift() as BenchKey;
  for (const type of ['ed25519', 'ecdsa', 'rsa']) {
    const key = take();
    host.write(`/etc/ssh/ssh_host_${type}_key`, key.privateKey, 0o600);
    host.write(`/etc/ssh/ssh_host_${type}_key.pub`, key.publicKey);
  }
  host.write('/etc/ssh/sshd_config', 'PermitRootLogin prohibit-password\nPasswordAuthentication yes\n');
  const runner = users.find((u) => u.name === 'gitlab-runner') as Account;
  const root = users[0] as Account;
  const people = users.filter((u) => u.uid >= 1000);
  const holders: [Account, string][] = [
    [runner, 'id_ed25519'], [runner, 'id_rsa'], [runner, 'deploy_key_1'], [runner, 'deploy_key_2'], [runner, 'deploy_key_3'],
    [root, 'id_ed25519'], [root, 'id_rsa'],
  ];
  for (let index = 0; holders.length < keys.length - 3; index += 1) holders.push([people[index % people.length] as Account, 'id_ed25519']);
  const authorized = new Map<Account, string[]>();
  for (const [user, name] of holders) {
    const key = take();
    const owner: [number, number] = [user.uid, user.gid];
    host.mkdir(`${user.home}/.ssh`, 0o700, owner);
    // A few keys are left group/other readable: the kind of mistake a key check is for.
    host.write(`${user.home}/.ssh/${name}`, key.privateKey, queue.length % 9 === 0 ? 0o644 : 0o600, owner);
    host.write(`${user.home}/.ssh/${name}.pub`, key.publicKey, 0o644, owner);
    authorized.set(user, [...(authorized.get(user) ?? []), key.publicKey]);
  }
  for (const [user, lines] of authorized) host.write(`${user.home}/.ssh/authorized_keys`, lines.join(''), 0o600, [user.uid, user.gid]);
}

function writeSystemFiles(host: RootWriter, runners: readonly BenchRunner[]): void {
  host.write('/etc/hostname', 'bench-runner-host\n');
  host.write('/etc/machine-id', '0123456789abcdef0123456789abcdef\n');
  host.write('/etc/os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n');
  host.mkdir('/etc/gitlab-runner', 0o700);
  host.write('/etc/gitlab-runner/config.toml', runnerConfigToml(runners), 0o600);
  host.write('/etc/gitlab-runner/.runner_system_id', 's_0123456789ab\n', 0o600);
  host.write('/etc/docker/daemon.json', JSON.stringify({ 'live-restore': false, 'insecure-registries': ['registry.example.test:5000'], hosts: ['unix:///var/run/docker.sock', 'tcp://0.0.0.0:2375'] }, null, 2));
  host.write(
    '/etc/systemd/system/gitlab-runner.service',
    '[Service]\nExecStart=/usr/bin/gitlab-runner "run" "--working-directory" "/home/gitlab-runner" "--config" "/etc/gitlab-runner/config.toml" "--service" "gitlab-runner" "--user" "gitlab-runner"\n',
  );
}

/** .git/config as a fetch-strategy job leaves it; one in ten still holds the job's credential in the remote URL. */
function gitConfig(project: number, group: string): string {
  const credential = project % 10 === 0 ? `gitlab-ci-token:FAKE-job-token-${project}@` : '';
  return `[core]\n\trepositoryformatversion = 0\n\tbare = false\n[remote "origin"]\n\turl = https://${credential}gitlab.example.test/${group}/project-${project}.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`;
}

/** The files of one working copy beyond .git/config and .git/HEAD: sources and git objects, spread over subdirectories. */
function workingCopyFiles(filesPerCopy: number): string[] {
  const files = ['README.md'];
  for (let index = 1; index < filesPerCopy; index += 1) {
    files.push(index % 2 === 0 ? `src/mod-${index % 10}/file-${index}.ts` : `.git/objects/${(index % 10).toString(16).padStart(2, '0')}/${index.toString(16).padStart(38, '0')}`);
  }
  return files;
}

/** P working copies under each shell runner's builds/<short-token>/<concurrent-id>/<group>/<project>. */
function writeBuilds(host: RootWriter, runners: readonly BenchRunner[], shape: HostShape): number {
  const owner: [number, number] = [RUNNER_UID, RUNNER_GID];
  const shells = shellRunners(runners);
  const files = workingCopyFiles(shape.filesPerCopy);
  const created = new Set<string>();
  let entries = 0;
  const ensureDir = (hostPath: string): void => {
    if (created.has(hostPath)) return;
    ensureDir(path.posix.dirname(hostPath));
    if (!fs.existsSync(host.path(hostPath))) {
      host.mkdir(hostPath, 0o755, owner);
      entries += 1;
    }
    created.add(hostPath);
  };
  created.add('/');
  for (let project = 0; project < shape.projects; project += 1) {
    const runner = shells[project % shells.length] as BenchRunner;
    const concurrent = Math.floor(project / shells.length) % 3;
    const group = `group-${(project * 7) % 50}`;
    const copy = `${BUILDS_DIR}/${runner.shortToken}/${concurrent}/${group}/project-${project}`;
    ensureDir(`${copy}/.git`);
    host.write(`${copy}/.git/config`, gitConfig(project, group), 0o644, owner);
    host.write(`${copy}/.git/HEAD`, 'ref: refs/heads/main\n', 0o644, owner);
    entries += 2;
    for (const file of files) {
      ensureDir(path.posix.dirname(`${copy}/${file}`));
      host.write(`${copy}/${file}`, `// ${file}\n`, 0o644, owner);
      entries += 1;
    }
  }
  return entries;
}

/** Builds a loaded host root in `root` (which must not exist yet). */
export function buildLoadedHost(root: string, shape: HostShape, keys: readonly BenchKey[]): LoadedHost {
  fs.mkdirSync(root, { recursive: true });
  const host = new RootWriter(root);
  const runners = benchRunners();
  const users = accounts();
  writeSystemFiles(host, runners);
  writeAccounts(host, users);
  writeKeys(host, users, keys);
  host.mkdir('/home/gitlab-runner/builds', 0o755, [RUNNER_UID, RUNNER_GID]);
  const buildEntries = writeBuilds(host, runners, shape);
  return { root, ...shape, buildEntries };
}
