import { defineCheck } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import { judgeContainers } from './scope.js';

/** Capabilities beyond Docker's default set that open a way out of the container, and how far. */
const DANGEROUS: Record<string, { severity: Severity; why: string }> = {
  ALL: { severity: 'critical', why: 'every capability, as good as privileged' },
  SYS_ADMIN: { severity: 'critical', why: 'mount, namespaces, cgroup release agents: the classic escape' },
  SYS_MODULE: { severity: 'critical', why: 'loads kernel modules into the host kernel' },
  SYS_RAWIO: { severity: 'critical', why: 'raw I/O ports and memory' },
  DAC_READ_SEARCH: { severity: 'critical', why: 'open_by_handle_at reads any host file' },
  SYS_PTRACE: { severity: 'high', why: 'traces other processes in its pid namespace' },
  NET_ADMIN: { severity: 'high', why: 'reconfigures the network it sits on' },
  SYS_BOOT: { severity: 'high', why: 'reboots the host' },
  SYS_TIME: { severity: 'high', why: 'sets the host clock' },
  BPF: { severity: 'high', why: 'loads BPF programs into the host kernel' },
  PERFMON: { severity: 'high', why: 'observes host kernel activity' },
  MAC_ADMIN: { severity: 'high', why: 'changes the LSM policy confining it' },
  MAC_OVERRIDE: { severity: 'high', why: 'overrides the LSM policy confining it' },
  SYSLOG: { severity: 'high', why: 'reads and clears the kernel log' },
};

export const dockerDangerousCapabilities = defineCheck({
  meta: {
    id: 'docker-dangerous-capabilities',
    title: 'Dangerous Linux capabilities added to containers',
    severity: 'critical',
    category: 'container-isolation',
    rationale:
      "Docker's default capability set is chosen so a container's root cannot touch the host. Adding SYS_ADMIN, " +
      'SYS_MODULE, DAC_READ_SEARCH or ALL gives a job known ways out of the container; others let it tamper with the ' +
      'network, clock or kernel it shares with every other job.',
    remediation:
      'Remove the capability from cap_add in [runners.docker]. GitLab advises dropping capabilities instead, for example ' +
      'cap_drop = ["SETUID", "SETGID"] with a non-root user.',
    gitlabSection: 'docker-executor',
    references: [
      { title: 'Docker: runtime privilege and Linux capabilities', url: 'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities' },
      { title: 'capabilities(7)', url: 'https://man7.org/linux/man-pages/man7/capabilities.7.html' },
    ],
    requires: ['docker'],
  },
  evaluate(facts) {
    return judgeContainers(facts, (c, report) => {
      // Privileged containers already have every capability: docker-privileged-container reports them.
      if (c.privileged) return;
      for (const cap of c.capAdd) {
        const danger = Object.hasOwn(DANGEROUS, cap) ? DANGEROUS[cap] : undefined;
        if (!danger) continue;
        // With the host pid namespace, ptrace reaches host processes: an escape, not a nuisance.
        const hostPtrace = cap === 'SYS_PTRACE' && c.pidMode === 'host';
        report({
          what: `with capability ${cap}: ${hostPtrace ? 'traces host processes (pid namespace shared with the host)' : danger.why}`,
          evidence: `HostConfig.CapAdd contains ${cap}${hostPtrace ? ', PidMode=host' : ''}`,
          severity: hostPtrace ? 'critical' : danger.severity,
          key: cap,
        });
      }
    });
  },
});
