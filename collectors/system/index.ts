import path from 'node:path';
import { defineCollector, type CollectorContext } from '../../agent/core/collector.js';
import { dirSyscalls } from '../../agent/lib/dir-syscalls.js';
import { safeErrorMessage, safeText } from '../../agent/lib/sanitize.js';
import type { WalkLimits } from '../../agent/lib/safe-walk.js';
import type { RunnerFacts } from '../runner/types.js';
import { Accounts, parseGroup, parsePasswd } from './accounts.js';
import { canTraverse, type Principal } from './access.js';
import { scanBuildDir, type BuildDirTarget } from './build-dirs.js';
import { findCredentialFiles } from './credentials.js';
import { dockerAccess } from './docker-group.js';
import { globalGitConfigs, startupFiles, systemGitConfig } from './home-config.js';
import { HostFiles } from './host-files.js';
import { DEFAULT_JOB_USER, jobUserOf, runnerContexts } from './runner-context.js';
import { findAuthorizedKeys, findPrivateKeys } from './ssh.js';
import { readSshdConfig } from './sshd.js';
import { readSudoers } from './sudoers.js';
import type { JobUser, JobUserSource, RunnerContext, SshFacts, SystemFacts, UserEntry } from './types.js';

const ACCOUNT_FILE_BYTES = 1024 * 1024;
const SYSTEM_CONFIG_BYTES = 64 * 1024;
/** Other accounts' homes searched for keys (human accounts whose home a job user can enter). */
const MAX_OTHER_HOMES = 100;
/** Time kept back from the collector's deadline for everything after the walks. */
const DEADLINE_MARGIN_MS = 1_000;

function jobUsers(runner: RunnerFacts | undefined, runners: readonly RunnerContext[], accounts: Accounts): JobUser[] {
  const chosen = new Map<string, { source: JobUserSource; runners: string[] }>();
  const configs = Array.isArray(runner?.configs) ? runner.configs : [];
  for (const config of configs) {
    const choice = jobUserOf(config);
    if (!chosen.has(choice.name)) chosen.set(choice.name, { source: choice.source, runners: [] });
  }
  for (const context of runners) if (context.jobUser !== null) chosen.get(context.jobUser)?.runners.push(context.name);
  if (chosen.size === 0) chosen.set(DEFAULT_JOB_USER, { source: 'default', runners: [] });
  return [...chosen].map(([name, { source, runners: names }]) => {
    const user = accounts.user(name);
    const gids = user ? accounts.gidsOf(user) : [];
    return {
      name: safeText(name, 100),
      uid: user?.uid ?? null,
      gid: user?.gid ?? null,
      home: user ? safeText(user.home, 300) : null,
      source,
      runners: names.map((n) => safeText(n, 200)),
      groups: gids.map((gid) => accounts.groupByGid(gid)?.name ?? String(gid)),
      gids,
    };
  });
}

function buildTargets(runners: readonly RunnerContext[], extra: readonly string[], fallbackHome: string | null, anyRunnerConfig: boolean): BuildDirTarget[] {
  const targets = new Map<string, BuildDirTarget>();
  const add = (dir: string | null, kind: BuildDirTarget['kind'], runner?: string) => {
    if (!dir || !dir.startsWith('/')) return;
    const key = path.posix.normalize(dir);
    const target = targets.get(key) ?? { path: key, kind, runners: [] };
    if (runner !== undefined && !target.runners.includes(runner)) target.runners.push(runner);
    targets.set(key, target);
  };
  for (const runner of runners) {
    add(runner.buildsDir, 'builds', runner.name);
    add(runner.cacheDir, 'cache', runner.name);
  }
  if (!anyRunnerConfig && fallbackHome) {
    add(path.posix.join(fallbackHome, 'builds'), 'builds');
    add(path.posix.join(fallbackHome, 'cache'), 'cache');
  }
  for (const dir of extra) add(dir, 'builds');
  return [...targets.values()];
}

/** Homes to search for keys: job users', root's, and human accounts' homes a job user can enter. */
function homesToSearch(files: HostFiles, accounts: Accounts, users: readonly JobUser[], principals: readonly Principal[]): UserEntry[] {
  const homes = new Map<string, UserEntry>();
  const add = (user: UserEntry | undefined) => {
    if (user && user.home.startsWith('/') && user.home !== '/' && !homes.has(user.home)) homes.set(user.home, user);
  };
  for (const job of users) add(accounts.user(job.name));
  add(accounts.userByUid(0) ?? { name: 'root', uid: 0, gid: 0, home: '/root', shell: '' });
  let others = 0;
  for (const user of accounts.users) {
    if (others >= MAX_OTHER_HOMES) break;
    if (homes.has(user.home) || !(user.uid >= 1000 || user.home.startsWith('/home/'))) continue;
    const chain = files.ancestry(user.home);
    if (chain && principals.some((p) => canTraverse(p, chain))) {
      add(user);
      others++;
    }
  }
  return [...homes.values()];
}

/** Runs one part of the collection; a failure becomes an error entry and the rest goes on. */
async function attempt(errors: string[], what: string, work: () => unknown): Promise<void> {
  try {
    await work();
  } catch (error) {
    errors.push(safeText(`${what}: ${safeErrorMessage(error)}`, 300));
  }
}

export async function collectSystem(ctx: CollectorContext): Promise<SystemFacts> {
  const files = new HostFiles(ctx.root);
  const errors: string[] = [];
  const readAccounts = <T>(file: string, parse: (text: string) => T[]): T[] => {
    try {
      const text = files.readSystemText(file, ACCOUNT_FILE_BYTES);
      if (text === null) errors.push(`${file}: absent`);
      return text === null ? [] : parse(text);
    } catch (error) {
      errors.push(safeText(`${file}: ${safeErrorMessage(error)}`, 300));
      return [];
    }
  };
  const accounts = new Accounts(readAccounts('/etc/passwd', parsePasswd), readAccounts('/etc/group', parseGroup));
  const runner = ctx.earlier.runner;
  const runners = runnerContexts(runner, accounts);
  const users = jobUsers(runner, runners, accounts);
  const principals: Principal[] = users.flatMap((u) => (u.uid === null ? [] : [{ name: u.name, uid: u.uid, gids: u.gids }]));
  const limits: WalkLimits = { maxEntries: ctx.config.system.max_walk_entries, maxDepth: ctx.config.system.max_walk_depth, deadline: ctx.deadline - DEADLINE_MARGIN_MS, signal: ctx.signal };
  const systemSource = { readFile: (p: string) => files.readSystemText(p, SYSTEM_CONFIG_BYTES), listDir: (p: string) => files.listSystemDir(p) };

  const docker = dockerAccess(files, accounts);
  const facts: SystemFacts = {
    runners,
    jobUsers: users,
    users: [],
    groups: [],
    dockerGroups: docker.groups,
    dockerSocketUserGrants: docker.userGrants,
    aclsRead: dirSyscalls().readsAcls,
    sudo: readSudoers(systemSource),
    ssh: { homesSearched: [], privateKeys: [], authorizedKeys: [], sshd: null },
    credentialFiles: [],
    startupFiles: [],
    gitConfigs: [],
    buildDirs: [],
    errors,
  };
  await attempt(errors, '/etc/ssh/sshd_config', () => (facts.ssh.sshd = readSshdConfig(systemSource)));
  await attempt(errors, '/etc/gitconfig', () => {
    const system = systemGitConfig(files, principals);
    if (system) facts.gitConfigs.push(system);
  });
  const ssh: SshFacts = facts.ssh;
  const jobNames = new Set(users.map((u) => u.name));
  const searched = homesToSearch(files, accounts, users, principals);
  for (const owner of searched) {
    if (Date.now() > limits.deadline) {
      errors.push('time budget spent before every home was searched');
      break;
    }
    const home = files.openTree(owner.home);
    if ('problem' in home) {
      if (home.problem !== 'absent') errors.push(safeText(`${owner.home}: not searched (${home.problem})`, 300));
      continue;
    }
    ssh.homesSearched.push(safeText(owner.home, 300));
    try {
      await attempt(errors, `${owner.home}: keys`, async () => {
        ssh.privateKeys.push(...(await findPrivateKeys(home, principals, limits, errors)));
      });
      await attempt(errors, `${owner.home}: authorized_keys`, () => ssh.authorizedKeys.push(...findAuthorizedKeys(home, owner.name, principals)));
      if (jobNames.has(owner.name)) {
        await attempt(errors, `${owner.home}: credentials`, () => facts.credentialFiles.push(...findCredentialFiles(home, owner.name, principals)));
        await attempt(errors, `${owner.home}: startup files`, () => facts.startupFiles.push(...startupFiles(home, owner.name, principals)));
        await attempt(errors, `${owner.home}: git config`, () => facts.gitConfigs.push(...globalGitConfigs(home, owner.name, principals)));
      }
    } finally {
      home.close();
    }
  }
  const fallbackHome = accounts.user(DEFAULT_JOB_USER)?.home ?? null;
  for (const target of buildTargets(runners, ctx.config.system.builds_dirs, fallbackHome, Array.isArray(runner?.configs) && runner.configs.length > 0)) {
    await attempt(errors, target.path, async () => facts.buildDirs.push(await scanBuildDir(files, target, limits)));
  }
  const relevant = new Set([...users.map((u) => u.name), ...searched.map((u) => u.name)]);
  facts.users = accounts.users.filter((u) => relevant.has(u.name) || u.uid === 0).map((u) => ({ ...u, name: safeText(u.name, 100), home: safeText(u.home, 300), shell: safeText(u.shell, 100) }));
  const gids = new Set([...users.flatMap((u) => u.gids), ...facts.dockerGroups.map((g) => g.gid)]);
  facts.groups = accounts.groups.filter((g) => gids.has(g.gid)).map((g) => ({ name: safeText(g.name, 100), gid: g.gid, members: g.members.slice(0, 200).map((m) => safeText(m, 100)) }));
  return facts;
}

function validate(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'expected an object';
  const facts = value as Record<string, unknown>;
  for (const key of ['runners', 'jobUsers', 'users', 'groups', 'dockerGroups', 'dockerSocketUserGrants', 'credentialFiles', 'startupFiles', 'gitConfigs', 'buildDirs', 'errors']) {
    if (!Array.isArray(facts[key])) return `${key} is not a list`;
  }
  if (typeof facts.sudo !== 'object' || facts.sudo === null) return 'sudo is missing';
  if (typeof facts.ssh !== 'object' || facts.ssh === null) return 'ssh is missing';
  return null;
}

export const systemCollector = defineCollector({
  name: 'system',
  provides: 'system',
  after: ['runner'],
  timeoutMs: 30_000,
  collect: collectSystem,
  validate,
});
