import { defineCheck } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import { exposedSocket, hostBinds, judgeContainers, normaliseHostPath } from './scope.js';

interface SensitivePath {
  path: string;
  /** Severity when mounted writable and read-only. */
  rw: Severity;
  ro: Severity;
  why: string;
}

/** Host paths whose exposure hands over the host or its secrets; the most specific match wins. */
const SENSITIVE: SensitivePath[] = [
  { path: '/', rw: 'critical', ro: 'high', why: 'the whole host filesystem' },
  { path: '/etc', rw: 'critical', ro: 'medium', why: 'host configuration (passwd, shadow, sudoers, cron)' },
  { path: '/etc/gitlab-runner', rw: 'critical', ro: 'critical', why: "the runner's config with its tokens" },
  { path: '/root', rw: 'critical', ro: 'high', why: "root's home (SSH keys, credentials)" },
  { path: '/home', rw: 'critical', ro: 'high', why: 'user homes (SSH keys, credentials, shell startup files)' },
  { path: '/var/lib/docker', rw: 'critical', ro: 'high', why: "Docker's state: every container's filesystem and config" },
  { path: '/var/lib/containerd', rw: 'critical', ro: 'high', why: "containerd's state" },
  { path: '/var/lib/kubelet', rw: 'critical', ro: 'high', why: "the kubelet's state and credentials" },
  { path: '/proc', rw: 'critical', ro: 'high', why: "the host's processes (their environment, memory, namespaces)" },
  { path: '/sys', rw: 'critical', ro: 'medium', why: 'kernel and device settings' },
  { path: '/dev', rw: 'critical', ro: 'high', why: 'host devices (raw disks)' },
  { path: '/boot', rw: 'critical', ro: 'medium', why: 'the kernel and boot loader' },
  { path: '/lib/modules', rw: 'critical', ro: 'low', why: 'kernel modules' },
  { path: '/usr/lib/modules', rw: 'critical', ro: 'low', why: 'kernel modules' },
  { path: '/var/log', rw: 'high', ro: 'medium', why: 'host logs' },
];

function classify(source: string): SensitivePath | null {
  const path = normaliseHostPath(source);
  let best: SensitivePath | null = null;
  for (const entry of SENSITIVE) {
    const hit = entry.path === '/' ? path === '/' : path === entry.path || path.startsWith(`${entry.path}/`);
    if (hit && (!best || entry.path.length > best.path.length)) best = entry;
  }
  return best;
}

export const dockerSensitiveHostMount = defineCheck({
  meta: {
    id: 'docker-sensitive-host-mount',
    title: 'Sensitive host paths mounted into containers',
    severity: 'critical',
    category: 'host-access',
    rationale:
      'A bind mount puts a host directory inside the container with the container root as its owner-equivalent: a job ' +
      'that gets /etc, /root, /var/lib/docker or /proc writable can become root on the host, and read-only it can still ' +
      "read host secrets such as the runner's tokens and SSH keys.",
    remediation:
      'Remove host binds from [runners.docker] volumes; use the runner cache ([runners.cache]) or per-project volumes. ' +
      'If a host path is needed, mount a dedicated, empty directory read-only.',
    gitlabSection: 'docker-executor',
    references: [
      { title: 'GitLab Runner: volumes in the [runners.docker] section', url: 'https://docs.gitlab.com/runner/configuration/advanced-configuration/#volumes-in-the-runnersdocker-section' },
      { title: 'Docker: bind mounts', url: 'https://docs.docker.com/engine/storage/bind-mounts/' },
    ],
    requires: ['docker'],
  },
  evaluate(facts) {
    return judgeContainers(facts, (c, report) => {
      for (const mount of hostBinds(c)) {
        // Sockets (and directories holding one) are docker-socket-mounted's finding.
        if (exposedSocket(mount, facts.domains.docker)) continue;
        const hit = classify(mount.source);
        if (!hit) continue;
        const mode = mount.readOnly ? 'read-only' : 'writable';
        report({
          what: `with host path ${mount.source} mounted ${mode}: ${hit.why}`,
          evidence: `bind ${mount.source} -> ${mount.destination} (${mount.readOnly ? 'ro' : 'rw'})`,
          severity: mount.readOnly ? hit.ro : hit.rw,
          key: mount.destination,
        });
      }
    });
  },
});
