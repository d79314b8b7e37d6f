import { createHmac } from 'node:crypto';
import path from 'node:path';
import TOML from '@iarna/toml';
import { secretFingerprint } from '../../agent/lib/fingerprint.js';
import { effectivePerm } from '../../agent/lib/posix-acl.js';
import { readFileUnderRoot, SafeFsError, statUnderRoot, type FileInfo } from '../../agent/lib/safe-fs.js';
import { sanitize } from '../../agent/lib/sanitize.js';
import type { Accounts } from './accounts.js';
import { canonicalize, type Table } from './canonical.js';
import { KeyLineIndex } from './key-lines.js';
import { runnerEntry } from './runner-entry.js';
import type { AclGrant, DiscoverySource, FileOwnership, JobExecution, RunnerConfigFile, RunnerFileError, RunnerLaunch, SystemIdFacts } from './types.js';
import { integer, sub, tables, text } from './values.js';

/** Far above any real config (a few KB); bigger files are reported, not parsed. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
/** Runner entries kept per file; the rest are counted in an error so facts stay a sensible size. */
export const MAX_RUNNERS_PER_FILE = 1000;

function aclGrants(info: FileInfo, accounts: Accounts): AclGrant[] {
  const acl = info.acl;
  if (!acl) return [];
  const grant = (kind: AclGrant['kind'], id: number, perm: number): AclGrant => ({
    kind,
    id,
    name: kind === 'user' ? accounts.userName(id) : accounts.groupName(id),
    read: (effectivePerm(acl, perm) & 4) !== 0,
    write: (effectivePerm(acl, perm) & 2) !== 0,
  });
  return [...acl.users.map((e) => grant('user', e.id, e.perm)), ...acl.groups.map((e) => grant('group', e.id, e.perm))].filter((g) => g.read || g.write);
}

function ownership(info: FileInfo, accounts: Accounts): FileOwnership {
  const mode = info.mode & 0o7777;
  return {
    uid: info.uid,
    gid: info.gid,
    owner: accounts.userName(info.uid),
    group: accounts.groupName(info.gid),
    mode,
    modeOctal: `0${mode.toString(8).padStart(3, '0')}`,
    aclGrants: aclGrants(info, accounts),
    aclGroupPerm: info.acl ? effectivePerm(info.acl, info.acl.groupObj) : null,
  };
}

function statOwnership(root: string, hostPath: string, accounts: Accounts): FileOwnership | null {
  try {
    const info = statUnderRoot(root, hostPath, 'within-root');
    return info ? ownership(info, accounts) : null;
  } catch {
    return null;
  }
}

/** Who jobs of a config run as: a running process wins over the unit that would start one. */
function jobExecution(configPath: string, launches: readonly RunnerLaunch[], accounts: Accounts): JobExecution {
  const mine = launches.filter((launch) => launch.configPath === configPath);
  const launch = mine.find((l) => l.source === 'process') ?? mine[0];
  if (!launch) return { source: 'none', jobUser: null, effectiveJobUser: null, effectiveJobUserGids: [], runnerRunsAsRoot: null, jobsRunAsRoot: null, workingDirectory: null };
  const effectiveJobUser = launch.jobUser ?? launch.processUser;
  const jobsRunAsRoot = launch.jobUser !== null ? launch.jobUser === 'root' || launch.jobUser === '0' : launch.runsAsRoot;
  return {
    source: launch.source,
    jobUser: launch.jobUser,
    effectiveJobUser,
    effectiveJobUserGids: effectiveJobUser ? accounts.gidsOf(effectiveJobUser) : [],
    runnerRunsAsRoot: launch.runsAsRoot,
    jobsRunAsRoot,
    workingDirectory: launch.workingDirectory,
  };
}

function systemId(root: string, configPath: string, machineId: string | null): SystemIdFacts | null {
  let content: string;
  try {
    content = readFileUnderRoot(root, path.posix.join(path.posix.dirname(configPath), '.runner_system_id'), { maxBytes: 256 }).data.toString('utf8').trim();
  } catch {
    return null;
  }
  if (content === '') return null;
  const kind = /^s_[0-9a-zA-Z]{12}$/.test(content) ? 'machine' : /^r_[0-9a-zA-Z]{12}$/.test(content) ? 'random' : 'invalid';
  const expected = machineId ? `s_${createHmac('sha256', machineId).update('gitlab-runner').digest('hex').slice(0, 12)}` : null;
  return { fingerprint: secretFingerprint(content), kind, matchesMachineId: kind === 'machine' && expected ? content === expected : null };
}

function parseProblem(error: unknown): Pick<RunnerFileError, 'line' | 'column' | 'kind' | 'message'> {
  // The parser's own message quotes the offending source (tokens included): only its position and class are kept.
  const where = error as { line?: unknown; col?: unknown; message?: unknown };
  const line = typeof where.line === 'number' ? where.line + 1 : null;
  const column = typeof where.col === 'number' ? where.col + 1 : null;
  const message = typeof where.message === 'string' ? where.message : '';
  if (/redefine|already been defined|duplicate/i.test(message)) {
    return { line, column, kind: 'duplicate-key', message: 'a key or table is defined twice; the runner refuses to load this file' };
  }
  return { line, column, kind: 'syntax', message: 'TOML syntax error; the runner refuses to load this file' };
}

export interface ConfigReadContext {
  root: string;
  accounts: Accounts;
  launches: readonly RunnerLaunch[];
  machineId: string | null;
}

/** Reads, parses and normalises one config.toml; problems land in `errors`, never in exceptions. */
export async function readConfigFile(
  hostPath: string,
  foundBy: DiscoverySource[],
  context: ConfigReadContext,
): Promise<{ config: RunnerConfigFile; errors: RunnerFileError[] }> {
  const { root, accounts, launches } = context;
  const errors: RunnerFileError[] = [];
  const execution = jobExecution(hostPath, launches, accounts);
  const config: RunnerConfigFile = {
    path: sanitize(hostPath, 400),
    foundBy,
    file: null,
    directory: statOwnership(root, path.posix.dirname(hostPath), accounts),
    sizeBytes: null,
    status: 'error',
    execution,
    concurrent: null,
    listenAddress: null,
    sessionServerListenAddress: null,
    logLevel: null,
    runners: [],
    ineffectiveKeys: [],
    secrets: [],
    systemId: systemId(root, hostPath, context.machineId),
  };
  const fail = (kind: RunnerFileError['kind'], message: string, line: number | null = null, column: number | null = null) => {
    errors.push({ path: config.path, line, column, kind, message });
    return { config, errors };
  };

  let data: Buffer;
  try {
    const read = readFileUnderRoot(root, hostPath, { maxBytes: MAX_CONFIG_BYTES + 1, links: 'within-root' });
    config.file = ownership(read.info, accounts);
    config.sizeBytes = read.info.size;
    if (read.truncated || read.data.length > MAX_CONFIG_BYTES) return fail('too-large', `larger than ${MAX_CONFIG_BYTES} bytes; not parsed`);
    data = read.data;
  } catch (error) {
    if (error instanceof SafeFsError && (error.code === 'not-regular' || error.code === 'symlink' || error.code === 'loop')) {
      return fail('refused', `not a regular file (${error.code}); not opened`);
    }
    return fail('unreadable', `cannot read (${error instanceof SafeFsError ? error.code : 'error'})`);
  }

  let source: string;
  try {
    if (data.includes(0)) throw new Error('NUL byte');
    source = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    return fail('binary', 'not UTF-8 text (binary content); the runner cannot load it either');
  }

  let document: Table;
  try {
    // The async parser yields to the event loop, so the collector deadline still fires on a huge file.
    document = (await TOML.parse.async(source, { blocksize: 64 * 1024 })) as Table;
  } catch (error) {
    const problem = parseProblem(error);
    return fail(problem.kind, problem.message, problem.line, problem.column);
  }

  // Entries past the cap are counted, not normalised: a huge file should not make huge facts.
  let totalRunners = 0;
  for (const key of Object.keys(document)) {
    const value = document[key];
    if (key.toLowerCase() !== 'runners' || !Array.isArray(value)) continue;
    totalRunners = Math.max(totalRunners, value.length);
    if (value.length > MAX_RUNNERS_PER_FILE) document[key] = value.slice(0, MAX_RUNNERS_PER_FILE);
  }
  const { config: canonical, ineffective } = canonicalize(document);
  const lines = ineffective.length > 0 ? new KeyLineIndex(source) : null;
  config.ineffectiveKeys = ineffective.slice(0, 2000).map((key) => ({
    table: sanitize(key.table, 200),
    key: sanitize(key.key, 120),
    reason: key.reason,
    hint: key.hint,
    line: lines?.lineOf(key.table, key.key) ?? null,
  }));
  config.status = 'ok';
  config.concurrent = integer(canonical, 'concurrent');
  const launchOverride = launches.find((l) => l.configPath === hostPath && l.listenAddressOverride)?.listenAddressOverride ?? null;
  config.listenAddress = launchOverride ?? text(canonical, 'listen_address', 100);
  config.sessionServerListenAddress = text(sub(canonical, 'session_server'), 'listen_address', 100);
  config.logLevel = text(canonical, 'log_level', 20);
  if (typeof canonical.sentry_dsn === 'string' && /\/\/[^/@]+@/.test(canonical.sentry_dsn)) config.secrets.push({ setting: 'sentry_dsn', kind: 'sentry-dsn' });
  config.runners = tables(canonical, 'runners').map((runner, index) => runnerEntry(runner, index, config.path, execution));
  if (totalRunners > MAX_RUNNERS_PER_FILE) {
    errors.push({ path: config.path, line: null, column: null, kind: 'too-large', message: `${totalRunners} [[runners]] entries; only the first ${MAX_RUNNERS_PER_FILE} were judged` });
  }
  if (Object.keys(document).length === 0) {
    errors.push({ path: config.path, line: null, column: null, kind: 'not-a-runner-config', message: 'empty file: no settings and no [[runners]]' });
  }
  return { config, errors };
}

