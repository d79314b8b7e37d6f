import path from 'node:path';
import { listDirUnderRoot, readFileUnderRoot, resolveParent, SafeFsError, statUnderRoot } from '../../agent/lib/safe-fs.js';
import { sanitize } from '../../agent/lib/sanitize.js';
import type { Accounts } from './accounts.js';
import { parseRunArguments, splitExecStart, type RunArguments } from './command-line.js';
import type { RunnerLaunch, SearchedLocation } from './types.js';

export const DEFAULT_CONFIG_PATHS = ['/etc/gitlab-runner/config.toml', '/root/.gitlab-runner/config.toml'];
export const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];
const UNIT_NAME = 'gitlab-runner.service';
const MAX_PROCESSES = 65_536;
const MAX_HOMES = 10_000;

/** What is at a path, without following it out of the root or opening it. */
export function probe(root: string, hostPath: string): SearchedLocation['outcome'] {
  try {
    const info = statUnderRoot(root, hostPath, 'within-root');
    if (!info) return 'absent';
    return info.type === 'file' ? 'found' : 'refused';
  } catch (error) {
    if (error instanceof SafeFsError && (error.code === 'symlink' || error.code === 'loop' || error.code === 'not-regular')) return 'refused';
    return 'unreadable';
  }
}

/** The config path the runner uses when no --config is given: /etc/gitlab-runner for root, ~/.gitlab-runner otherwise. */
export function defaultConfigFor(uid: number | null, user: string | null, accounts: Accounts): string | null {
  if (uid === 0 || user === 'root') return '/etc/gitlab-runner/config.toml';
  const home = user ? accounts.homeOf(user) : uid !== null ? accounts.homeOf(accounts.userName(uid) ?? '') : null;
  return home ? path.posix.join(home, '.gitlab-runner', 'config.toml') : null;
}

function resolveAgainst(base: string | null, file: string): string {
  return path.posix.isAbsolute(file) ? path.posix.normalize(file) : path.posix.join(base ?? '/', file);
}

/** /proc entries are read without following links; unit files (root's, often symlinked) within the root. */
function readSmall(root: string, hostPath: string, maxBytes: number, links: 'never' | 'within-root' = 'never'): Buffer | null {
  try {
    return readFileUnderRoot(root, hostPath, { maxBytes, links }).data;
  } catch {
    return null;
  }
}

/** The target of a symlink (such as /proc/<pid>/cwd), read without following it; null when absent. */
function readLinkUnderRoot(root: string, hostPath: string): string | null {
  try {
    const { parent, name } = resolveParent(root, hostPath, 'never');
    try {
      const target = parent.readLink(name);
      return target.startsWith('/') ? target : null;
    } finally {
      parent.close();
    }
  } catch {
    return null;
  }
}

function launchFrom(args: RunArguments, base: Omit<RunnerLaunch, 'configPath' | 'configPathExplicit' | 'workingDirectory' | 'jobUser' | 'listenAddressOverride' | 'binaryPath'>, cwd: string | null, accounts: Accounts): RunnerLaunch | null {
  const workingDirectory = args.workingDirectory ? sanitize(args.workingDirectory, 400) : null;
  const explicit = args.config !== null;
  const configPath = explicit ? resolveAgainst(cwd, args.config as string) : defaultConfigFor(base.processUid, base.processUser, accounts);
  if (!configPath) return null;
  return {
    ...base,
    binaryPath: args.binary ? sanitize(args.binary, 400) : null,
    configPath: sanitize(configPath, 400),
    configPathExplicit: explicit,
    workingDirectory,
    jobUser: args.user ? sanitize(args.user, 64) : null,
    listenAddressOverride: args.listenAddress ? sanitize(args.listenAddress, 100) : null,
  };
}

/** Running `gitlab-runner run` processes, from /proc/<pid>/cmdline and status under the root. */
export function discoverProcesses(root: string, accounts: Accounts, searched: SearchedLocation[], signal: AbortSignal): RunnerLaunch[] {
  let pids: string[] | null = null;
  try {
    pids = listDirUnderRoot(root, '/proc', MAX_PROCESSES, 'never');
  } catch {
    searched.push({ path: '/proc/*/cmdline', purpose: 'process-table', source: 'process', outcome: 'unreadable' });
    return [];
  }
  searched.push({ path: '/proc/*/cmdline', purpose: 'process-table', source: 'process', outcome: pids ? 'found' : 'absent' });
  const launches: RunnerLaunch[] = [];
  for (const pid of pids ?? []) {
    if (signal.aborted) break;
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = readSmall(root, `/proc/${pid}/cmdline`, 64 * 1024);
    if (!cmdline || !cmdline.includes('gitlab')) continue;
    const argv = cmdline.toString('utf8').split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
    const args = parseRunArguments(argv);
    if (!args.isRun) continue;
    const status = readSmall(root, `/proc/${pid}/status`, 16 * 1024)?.toString('utf8') ?? '';
    const uidMatch = /^Uid:\s+\d+\s+(\d+)/m.exec(status);
    const processUid = uidMatch ? Number(uidMatch[1]) : null;
    const cwd = readLinkUnderRoot(root, `/proc/${pid}/cwd`);
    const processUser = processUid !== null ? accounts.userName(processUid) : null;
    const launch = launchFrom(
      args,
      { source: 'process', pid: Number(pid), unitPath: null, dropIns: [], processUid, processUser, runsAsRoot: processUid === null ? null : processUid === 0 },
      cwd,
      accounts,
    );
    if (launch) launches.push(launch);
  }
  return launches;
}

interface UnitSettings {
  execStart: string | null;
  user: string | null;
  workingDirectory: string | null;
}

/** Applies one unit file or drop-in: later ExecStart= replaces, an empty ExecStart= resets. */
function applyUnitText(text: string, settings: UnitSettings): void {
  let section = '';
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith(';') || trimmed === '') continue;
    const header = /^\[(.+)\]$/.exec(trimmed);
    if (header) {
      section = header[1] as string;
      continue;
    }
    if (section !== 'Service') continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) continue;
    const key = trimmed.slice(0, eq).trim();
    const value = trimmed.slice(eq + 1).trim();
    if (key === 'ExecStart') settings.execStart = value === '' ? null : value;
    else if (key === 'User') settings.user = value || null;
    else if (key === 'WorkingDirectory') settings.workingDirectory = value || null;
  }
}

/** The gitlab-runner systemd unit (first found in systemd's search order) with its drop-ins. */
export function discoverUnit(root: string, accounts: Accounts, searched: SearchedLocation[]): RunnerLaunch | null {
  // systemd uses the first unit file in its search order; one linked to /dev/null (masked) means no service.
  let first: { path: string; outcome: SearchedLocation['outcome'] } | null = null;
  for (const dir of UNIT_DIRS) {
    const candidate = `${dir}/${UNIT_NAME}`;
    const outcome = probe(root, candidate);
    searched.push({ path: candidate, purpose: 'systemd-unit', source: 'unit-search', outcome });
    if (outcome !== 'absent' && first === null) first = { path: candidate, outcome };
  }
  if (first?.outcome !== 'found') return null;
  const unitPath = first.path;
  const unitText = readSmall(root, unitPath, 256 * 1024, 'within-root')?.toString('utf8');
  if (unitText === undefined) return null;
  const settings: UnitSettings = { execStart: null, user: null, workingDirectory: null };
  applyUnitText(unitText, settings);
  // Drop-ins from every unit dir apply, sorted by file name; a name in an earlier dir masks the same name later.
  const dropIns = new Map<string, string>();
  for (const dir of UNIT_DIRS) {
    const dropInDir = `${dir}/${UNIT_NAME}.d`;
    let names: string[] | null = null;
    try {
      names = listDirUnderRoot(root, dropInDir, 1000, 'within-root');
    } catch {
      names = null;
    }
    searched.push({ path: `${dropInDir}/*.conf`, purpose: 'systemd-drop-in', source: 'unit-search', outcome: names ? 'found' : 'absent' });
    for (const name of names ?? []) if (name.endsWith('.conf') && !dropIns.has(name)) dropIns.set(name, `${dropInDir}/${name}`);
  }
  const applied: string[] = [];
  for (const name of [...dropIns.keys()].sort()) {
    const file = dropIns.get(name) as string;
    const data = readSmall(root, file, 256 * 1024, 'within-root');
    if (!data) continue;
    applyUnitText(data.toString('utf8'), settings);
    applied.push(sanitize(file, 400));
  }
  if (!settings.execStart) return null;
  const args = parseRunArguments(splitExecStart(settings.execStart));
  if (!args.isRun) return null;
  const processUser = settings.user ?? 'root';
  const processUid = settings.user ? accounts.uidOf(settings.user) : 0;
  return launchFrom(
    args,
    {
      source: 'systemd-unit',
      pid: null,
      unitPath: sanitize(unitPath, 400),
      dropIns: applied,
      processUid,
      processUser: sanitize(processUser, 64),
      runsAsRoot: settings.user ? processUid === 0 || settings.user === 'root' : true,
    },
    settings.workingDirectory,
    accounts,
  );
}

/** /home/<user>/.gitlab-runner/config.toml for every directory under /home. */
export function homeConfigPaths(root: string, searched: SearchedLocation[]): string[] {
  let homes: string[] | null = null;
  try {
    homes = listDirUnderRoot(root, '/home', MAX_HOMES, 'within-root');
  } catch {
    homes = null;
  }
  searched.push({ path: '/home/*/.gitlab-runner/config.toml', purpose: 'config', source: 'default-path', outcome: homes ? 'found' : 'absent' });
  return (homes ?? []).filter((name) => name !== '.' && name !== '..' && !name.includes('/')).sort().map((name) => `/home/${name}/.gitlab-runner/config.toml`);
}
