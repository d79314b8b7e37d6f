import type { DomainFacts } from '../../agent/core/facts.js';
import { openDirUnderRoot, readTextUnderRoot, readFileUnderRoot, SafeFsError, type DirHandle } from '../../agent/lib/safe-fs.js';
import { printableBytes, safeErrorMessage, safeText } from '../../agent/lib/sanitize.js';
import { probeDockerApi } from './docker-api-probe.js';
import { isLoopback, isWildcard } from './ip.js';
import { parseProcNetTcp, parseProcNetUnix, type TcpListener, type UnixListener } from './proc-net.js';
import type { BindScope, ListeningSocket, SocketFacts, SocketOwner, SocketRole } from './types.js';

const MAX_PROC_NET_BYTES = 8 * 1024 * 1024;
const MAX_PIDS = 8192;
const MAX_FDS_PER_PID = 4096;
const MAX_LISTENERS = 2000;
const DEFAULT_METRICS_PORT = 9252;
const DEFAULT_SESSION_PORT = 8093;
const DOCKER_API_PORTS = new Set([2375, 2376]);
const SSH_PORT = 22;

export interface SocketInput {
  root: string;
  earlier: Partial<DomainFacts>;
  /** Whether a Docker API found on tcp may be asked for /_ping over loopback (live host only). */
  probeDockerApi: boolean;
  probeTimeoutMs: number;
  deadline: number;
  signal: AbortSignal;
  errors: string[];
}

/** Ports the runner is configured to serve metrics and the session server on. */
interface RunnerPorts {
  metrics: Set<number>;
  session: Set<number>;
}

/** Port of a runner listen_address ("host:port", ":9252", "[::]:8093"), or `fallback` when it names none. */
function portOf(address: string, fallback: number): number {
  const match = /:(\d{1,5})$/.exec(address.trim());
  return match ? Number(match[1]) : fallback;
}

function runnerPorts(earlier: Partial<DomainFacts>): RunnerPorts {
  const metrics = new Set<number>();
  const session = new Set<number>();
  for (const config of earlier.runner?.configs ?? []) {
    if (config.listenAddress) metrics.add(portOf(config.listenAddress, DEFAULT_METRICS_PORT));
    if (config.sessionServerListenAddress) session.add(portOf(config.sessionServerListenAddress, DEFAULT_SESSION_PORT));
  }
  for (const launch of earlier.runner?.launches ?? []) if (launch.listenAddressOverride) metrics.add(portOf(launch.listenAddressOverride, DEFAULT_METRICS_PORT));
  return { metrics, session };
}

function readProcNet(root: string, file: string, errors: string[]): { text: string; found: boolean; truncated: boolean } {
  try {
    const { data, truncated } = readFileUnderRoot(root, `/proc/net/${file}`, { maxBytes: MAX_PROC_NET_BYTES });
    return { text: data.toString('latin1'), found: true, truncated };
  } catch (error) {
    if (!(error instanceof SafeFsError && (error.code === 'not-found' || error.code === 'not-directory'))) errors.push(`/proc/net/${file}: ${safeErrorMessage(error)}`);
    return { text: '', found: false, truncated: false };
  }
}

/** Maps socket inodes to the processes holding them, through /proc/<pid>/fd links; bounded in pids, fds and time. */
function socketOwners(input: SocketInput, inodes: Set<number>): { owners: Map<number, SocketOwner[]>; mapped: boolean; truncated: boolean } {
  const owners = new Map<number, SocketOwner[]>();
  if (inodes.size === 0) return { owners, mapped: false, truncated: false };
  let proc: DirHandle;
  try {
    proc = openDirUnderRoot(input.root, '/proc', 'never');
  } catch {
    return { owners, mapped: false, truncated: false };
  }
  let mapped = false;
  let truncated = false;
  try {
    const listing = proc.list(MAX_PIDS * 2);
    const pids = listing.entries.map((entry) => entry.name.toString('latin1')).filter((name) => /^\d+$/.test(name));
    truncated = listing.truncated || pids.length > MAX_PIDS;
    for (const pid of pids.slice(0, MAX_PIDS)) {
      if (input.signal.aborted || Date.now() > input.deadline) {
        truncated = true;
        break;
      }
      let fdDir: DirHandle;
      try {
        fdDir = openDirUnderRoot(input.root, `/proc/${pid}/fd`, 'never');
      } catch {
        continue; // Gone, or a kernel thread: nothing to map.
      }
      mapped = true;
      try {
        const fds = fdDir.list(MAX_FDS_PER_PID);
        if (fds.truncated) truncated = true;
        for (const fd of fds.entries) {
          let link: string;
          try {
            link = fdDir.readLink(fd.name);
          } catch {
            continue;
          }
          const inode = Number(/^socket:\[(\d+)\]$/.exec(link)?.[1]);
          if (!inodes.has(inode)) continue;
          const list = owners.get(inode) ?? [];
          if (!list.some((owner) => owner.pid === Number(pid))) list.push({ pid: Number(pid), command: processCommand(input.root, pid) });
          owners.set(inode, list);
        }
      } finally {
        fdDir.close();
      }
    }
  } finally {
    proc.close();
  }
  return { owners, mapped, truncated };
}

function processCommand(root: string, pid: string): string {
  try {
    return safeText(readTextUnderRoot(root, `/proc/${pid}/comm`, { maxBytes: 64, links: 'never' })?.trim() ?? '', 64);
  } catch {
    return '';
  }
}

/** dockerd's `--tlsverify` from its command line: true, false, or null when not given. */
function tlsVerifyFlag(root: string, pid: number): boolean | null {
  let argv: string[];
  try {
    argv = readFileUnderRoot(root, `/proc/${pid}/cmdline`, { maxBytes: 64 * 1024, links: 'never' }).data.toString('utf8').split('\0');
  } catch {
    return null;
  }
  let verdict: boolean | null = null;
  for (const arg of argv) {
    const match = /^--tlsverify(?:=(true|false|1|0))?$/.exec(arg);
    if (match) verdict = match[1] === undefined || match[1] === 'true' || match[1] === '1';
  }
  return verdict;
}

function scopeOf(address: string): BindScope {
  if (isWildcard(address)) return 'all-interfaces';
  return isLoopback(address) ? 'loopback' : 'specific';
}

const isRunnerCommand = (command: string) => command === 'gitlab-runner' || command.startsWith('gitlab-ci-multi');

function runnerRole(port: number | null, ports: RunnerPorts): SocketRole {
  if (port !== null && ports.session.has(port)) return 'runner-session-server';
  if (port !== null && (ports.metrics.has(port) || (ports.metrics.size === 0 && port === DEFAULT_METRICS_PORT))) return 'runner-metrics';
  return 'runner-other';
}

function roleOf(port: number | null, owners: SocketOwner[], ports: RunnerPorts): SocketRole {
  const commands = owners.map((owner) => owner.command);
  if (commands.includes('dockerd')) return 'docker-api';
  if (commands.some(isRunnerCommand)) return runnerRole(port, ports);
  if (commands.some((command) => command === 'sshd' || command.startsWith('sshd-'))) return 'sshd';
  if (commands.length > 0 || port === null) return 'other';
  // Unmapped sockets (another pid namespace, an offline /proc snapshot) are named by the runner's
  // configured ports, then by conventional ones.
  if (ports.metrics.has(port) || ports.session.has(port) || port === DEFAULT_METRICS_PORT) return runnerRole(port, ports);
  if (DOCKER_API_PORTS.has(port)) return 'docker-api';
  return port === SSH_PORT ? 'sshd' : 'other';
}

/** Loopback address that reaches a listener bound to `address` (wildcards answer on loopback too). */
function loopbackFor(socket: ListeningSocket): string | null {
  if (socket.scope === 'loopback') return socket.address.replace(/^::ffff:/, '');
  if (socket.scope === 'all-interfaces') return socket.protocol === 'tcp6' ? '::1' : '127.0.0.1';
  return null;
}

/** Listening sockets from /proc/net under the root, with their owners, roles and, for the Docker API, its TLS stance. */
export async function collectSockets(input: SocketInput): Promise<SocketFacts> {
  const tcp = readProcNet(input.root, 'tcp', input.errors);
  const tcp6 = readProcNet(input.root, 'tcp6', input.errors);
  const unix = readProcNet(input.root, 'unix', input.errors);
  const tcpListeners: TcpListener[] = [...parseProcNetTcp(tcp.text, 'tcp'), ...parseProcNetTcp(tcp6.text, 'tcp6')];
  const unixListeners: UnixListener[] = parseProcNetUnix(unix.text);
  let truncated = tcp.truncated || tcp6.truncated || unix.truncated || tcpListeners.length + unixListeners.length > MAX_LISTENERS;
  const inodes = new Set([...tcpListeners, ...unixListeners].map((listener) => listener.inode).filter((inode) => inode > 0));
  const mapping = socketOwners(input, inodes);
  truncated ||= mapping.truncated;
  const ports = runnerPorts(input.earlier);
  const ownersOf = (inode: number) => (mapping.owners.get(inode) ?? []).sort((a, b) => a.pid - b.pid);

  const listening: ListeningSocket[] = [];
  for (const listener of tcpListeners.slice(0, MAX_LISTENERS)) {
    const owners = ownersOf(listener.inode);
    listening.push({ protocol: listener.protocol, address: listener.address, port: listener.port, scope: scopeOf(listener.address), inode: listener.inode, owners, role: roleOf(listener.port, owners, ports) });
  }
  for (const listener of unixListeners) {
    const owners = ownersOf(listener.inode);
    // dockerd owns many unix sockets (plugins, libnetwork); only docker.sock is its API.
    const role = /(?:^|\/)docker\.sock$/.test(listener.path) ? 'docker-api' : roleOf(null, owners, ports);
    if (role === 'other' || (role === 'docker-api' && !listener.path.endsWith('docker.sock')) || listening.length >= MAX_LISTENERS) continue;
    listening.push({ protocol: 'unix', address: printableBytes(Buffer.from(listener.path, 'latin1'), 300), port: null, scope: 'unix', inode: listener.inode, owners, role });
  }

  const daemonJsonVerify = input.earlier.docker?.daemon.configFile.tlsVerify ?? null;
  for (const socket of listening) {
    if (socket.role !== 'docker-api' || socket.protocol === 'unix') continue;
    const flags = socket.owners.map((owner) => tlsVerifyFlag(input.root, owner.pid)).filter((flag): flag is boolean => flag !== null);
    socket.dockerTlsVerify = flags[0] ?? daemonJsonVerify;
    const loopback = loopbackFor(socket);
    socket.dockerApiAccess = input.probeDockerApi && loopback !== null && socket.port !== null ? await probeDockerApi(loopback, socket.port, input.probeTimeoutMs) : 'not-probed';
  }
  listening.sort((a, b) => a.protocol.localeCompare(b.protocol) || (a.port ?? 0) - (b.port ?? 0) || a.address.localeCompare(b.address));
  return { observed: tcp.found, listening, truncated, ownersMapped: mapping.mapped };
}
