import { SafeFsError, listDirUnderRoot, readTextUnderRoot, statUnderRoot } from '../../agent/lib/safe-fs.js';
import { safeErrorMessage, safeText } from '../../agent/lib/sanitize.js';
import { isObject } from './json.js';
import type { DaemonHostFacts, DaemonJsonFacts, DaemonSettingsFacts, DaemonUnitFacts, DockerProblem } from './types.js';

const DAEMON_JSON = '/etc/docker/daemon.json';
const MAX_CONFIG_BYTES = 1024 * 1024;
/** Where systemd looks for docker.service, most specific first (the first found wins). */
const UNIT_PATHS = ['/etc/systemd/system/docker.service', '/run/systemd/system/docker.service', '/usr/lib/systemd/system/docker.service', '/lib/systemd/system/docker.service'];
const DROP_IN_DIRS = ['/usr/lib/systemd/system/docker.service.d', '/lib/systemd/system/docker.service.d', '/run/systemd/system/docker.service.d', '/etc/systemd/system/docker.service.d'];

function problem(stage: string, subject: string, error: unknown): DockerProblem {
  const kind = error instanceof SafeFsError && error.code === 'denied' ? 'denied' : 'io';
  return { stage, kind, subject, message: safeErrorMessage(error) };
}

const optionalBool = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const stringList = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 64).map((v) => safeText(v, 300)) : []);

/** daemon.json as absent: what a host without the file, or with an unreadable one, reports. */
export function emptyDaemonJson(): DaemonJsonFacts {
  return {
    path: DAEMON_JSON,
    present: false,
    error: null,
    hosts: [],
    tls: null,
    tlsVerify: null,
    usernsRemap: null,
    icc: null,
    noNewPrivileges: null,
    liveRestore: null,
    insecureRegistries: [],
    seccompProfile: null,
  };
}

/** Reads /etc/docker/daemon.json under the host root. */
export function readDaemonJson(root: string, problems: DockerProblem[]): DaemonJsonFacts {
  const facts = emptyDaemonJson();
  let text: string | null;
  try {
    text = readTextUnderRoot(root, DAEMON_JSON, { maxBytes: MAX_CONFIG_BYTES + 1 });
  } catch (error) {
    facts.error = safeErrorMessage(error);
    problems.push(problem('daemon.json', DAEMON_JSON, error));
    return facts;
  }
  if (text === null) return facts;
  facts.present = true;
  if (Buffer.byteLength(text) > MAX_CONFIG_BYTES) {
    facts.error = `larger than ${MAX_CONFIG_BYTES} bytes`;
    problems.push({ stage: 'daemon.json', kind: 'too-large', subject: DAEMON_JSON, message: facts.error });
    return facts;
  }
  let parsed: unknown;
  try {
    parsed = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    // JSON.parse messages quote the input; the file could hold secrets (tlskey paths are fine, but be strict).
    facts.error = 'invalid JSON';
    problems.push({ stage: 'daemon.json', kind: 'malformed', subject: DAEMON_JSON, message: 'invalid JSON' });
    return facts;
  }
  if (!isObject(parsed)) {
    facts.error = 'not a JSON object';
    problems.push({ stage: 'daemon.json', kind: 'malformed', subject: DAEMON_JSON, message: facts.error });
    return facts;
  }
  const get = (key: string): unknown => (Object.hasOwn(parsed, key) ? parsed[key] : undefined);
  const remap = get('userns-remap');
  const seccomp = get('seccomp-profile');
  facts.hosts = stringList(get('hosts'));
  facts.tls = optionalBool(get('tls'));
  facts.tlsVerify = optionalBool(get('tlsverify'));
  facts.usernsRemap = typeof remap === 'string' && remap.trim() !== '' ? safeText(remap, 100) : null;
  facts.icc = optionalBool(get('icc'));
  facts.noNewPrivileges = optionalBool(get('no-new-privileges'));
  facts.liveRestore = optionalBool(get('live-restore'));
  facts.insecureRegistries = stringList(get('insecure-registries'));
  facts.seccompProfile = typeof seccomp === 'string' ? safeText(seccomp, 300) : null;
  return facts;
}

/** Joins backslash-continued lines and yields `ExecStart=` values in file order. */
function execStarts(text: string): string[] {
  const values: string[] = [];
  for (const line of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    const match = /^\s*ExecStart\s*=(.*)$/.exec(line);
    if (match) values.push((match[1] ?? '').trim());
  }
  return values;
}

/** Splits a command line on whitespace, honouring simple quotes (enough for ExecStart). */
function splitArgs(command: string): string[] {
  const args: string[] = [];
  for (const match of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) args.push(match[1] ?? match[2] ?? match[3] ?? '');
  return args;
}

/** The `-H`/`--host` values and TLS flags of a dockerd command line. */
export function parseDockerdArgs(command: string): { hosts: string[]; tlsVerify: boolean; tls: boolean } {
  const args = splitArgs(command.replace(/^[-@:+!]+/, ''));
  const hosts: string[] = [];
  let tlsVerify = false;
  let tls = false;
  const flagValue = (arg: string, name: string): boolean | null => {
    if (arg === name) return true;
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1) !== 'false';
    return null;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '-H' || arg === '--host') {
      const value = args[i + 1];
      if (value !== undefined) hosts.push(value), i++;
    } else if (arg.startsWith('--host=')) hosts.push(arg.slice('--host='.length));
    else if (arg.startsWith('-H=')) hosts.push(arg.slice(3));
    else if (arg.startsWith('-H') && arg.length > 2 && !arg.startsWith('--')) hosts.push(arg.slice(2));
    else {
      tlsVerify = flagValue(arg, '--tlsverify') ?? tlsVerify;
      tls = flagValue(arg, '--tls') ?? tls;
    }
  }
  return { hosts: hosts.slice(0, 64).map((host) => safeText(host, 300)), tlsVerify, tls };
}

function readUnitText(root: string, hostPath: string, problems: DockerProblem[]): string | null {
  try {
    return readTextUnderRoot(root, hostPath, { maxBytes: 256 * 1024 });
  } catch (error) {
    problems.push(problem('unit', hostPath, error));
    return null;
  }
}

/** docker.service and its drop-ins under the host root, each with its last ExecStart's hosts. */
export function readDaemonUnits(root: string, problems: DockerProblem[]): { units: DaemonUnitFacts[]; effective: DaemonUnitFacts | null } {
  const files: string[] = [];
  const unitFile = UNIT_PATHS.find((candidate) => {
    try {
      return statUnderRoot(root, candidate) !== null;
    } catch (error) {
      problems.push(problem('unit', candidate, error));
      return false;
    }
  });
  if (unitFile) files.push(unitFile);
  for (const dir of DROP_IN_DIRS) {
    let names: string[] | null = null;
    try {
      names = listDirUnderRoot(root, dir, 256);
    } catch (error) {
      problems.push(problem('unit', dir, error));
    }
    for (const name of (names ?? []).filter((n) => n.endsWith('.conf')).sort()) files.push(`${dir}/${name}`);
  }
  const units: DaemonUnitFacts[] = [];
  let effective: DaemonUnitFacts | null = null;
  for (const file of files) {
    const text = readUnitText(root, file, problems);
    if (text === null) continue;
    const starts = execStarts(text);
    const last = starts.filter((value) => value !== '').at(-1);
    const resetsOnly = starts.length > 0 && last === undefined;
    const unit: DaemonUnitFacts = { path: file, ...parseDockerdArgs(last ?? '') };
    units.push(unit);
    // systemd: a later ExecStart (after an empty reset) replaces the command; the last file to set one wins.
    if (last !== undefined) effective = unit;
    else if (resetsOnly) effective = null;
  }
  return { units, effective };
}

/** `tcp://0.0.0.0:2375` → parts; a bare `host:port` is tcp, as dockerd reads it. */
export function parseDaemonHost(address: string, source: string, tlsVerify: boolean, tls: boolean): DaemonHostFacts {
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(address);
  const scheme = match ? (match[1] as string).toLowerCase() : 'tcp';
  const rest = match ? (match[2] as string) : address;
  let host: string | null = null;
  let port: number | null = null;
  if (scheme === 'tcp') {
    const authority = rest.split('/')[0] ?? '';
    const parts = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(authority);
    host = parts ? (parts[1] ?? '').replace(/^\[|\]$/g, '') : authority;
    port = parts?.[2] ? Number(parts[2]) : null;
  }
  return { address, scheme, host, port, source, tlsVerify, tls: tls || tlsVerify };
}

/** Daemon settings from daemon.json and the systemd unit, with every configured listener. */
export function readDaemonSettings(root: string, problems: DockerProblem[]): DaemonSettingsFacts {
  const configFile = readDaemonJson(root, problems);
  const { units, effective } = readDaemonUnits(root, problems);
  const fileVerify = configFile.tlsVerify === true;
  const fileTls = configFile.tls === true;
  const hosts = [
    ...configFile.hosts.map((address) => parseDaemonHost(address, configFile.path, fileVerify, fileTls)),
    ...(effective?.hosts ?? []).map((address) => parseDaemonHost(address, effective?.path ?? '', effective?.tlsVerify === true || fileVerify, effective?.tls === true || fileTls)),
  ];
  return { configFile, units, hosts };
}
