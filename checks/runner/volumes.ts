/** Docker `volumes` entries: "host:container[:mode]" binds versus single-path cache volumes. */
export interface BindMount {
  source: string;
  target: string;
  readOnly: boolean;
}

export function parseBind(entry: string): BindMount | null {
  const parts = entry.split(':');
  if (parts.length < 2) return null;
  const [source, target, mode] = parts as [string, string, string | undefined];
  // Only absolute host paths are bind mounts; "name:/path" is a named volume.
  if (!source.startsWith('/')) return null;
  return { source: normalise(source), target, readOnly: (mode ?? '').split(',').includes('ro') };
}

export function normalise(hostPath: string): string {
  const parts: string[] = [];
  for (const part of hostPath.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** Container runtime sockets: whoever can connect to one controls the host. */
const SOCKETS = [
  /^\/(?:var\/)?run\/docker\.sock$/,
  /^\/(?:var\/)?run\/containerd\/containerd\.sock$/,
  /^\/(?:var\/)?run\/crio\/crio\.sock$/,
  /^\/(?:var\/)?run\/podman\/podman\.sock$/,
  /^\/run\/user\/\d+\/(?:docker\.sock|podman\/podman\.sock)$/,
];
// A directory that holds a runtime socket exposes it too.
const SOCKET_DIRS = ['/var/run', '/run', '/run/containerd', '/var/run/containerd', '/run/docker', '/var/run/docker'];

export function isRuntimeSocket(source: string): boolean {
  return SOCKETS.some((re) => re.test(source)) || SOCKET_DIRS.includes(source);
}

/** Host paths whose exposure gives a job the host (critical) or other jobs' and users' data (high). */
export function sensitivity(source: string): 'critical' | 'high' | null {
  const critical = ['/', '/etc', '/root', '/boot', '/proc', '/sys', '/dev', '/usr', '/bin', '/sbin', '/lib', '/var/lib/docker', '/var/lib/containerd', '/var/lib/kubelet', '/etc/gitlab-runner'];
  if (critical.includes(source) || source.startsWith('/etc/') || source.startsWith('/root/') || source.startsWith('/var/lib/docker/') || source.startsWith('/proc/') || source.startsWith('/sys/') || source.startsWith('/boot/')) return 'critical';
  const high = ['/home', '/var', '/var/lib', '/var/log', '/srv', '/opt', '/mnt', '/media', '/tmp'];
  if (high.includes(source) || source.startsWith('/home/') || source.includes('/.ssh') || source.includes('/.docker') || source.includes('/.aws') || source.includes('/.kube')) return 'high';
  return null;
}
