import { defineCheck } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import { canonicalCap, judgeRunners, runnerFinding, tomlList, usesDocker } from './common.js';

// Capabilities that amount to root on the host (or a direct path to it) versus ones that widen the attack surface.
const HOST_ROOT = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_PTRACE', 'DAC_READ_SEARCH', 'DAC_OVERRIDE', 'SYS_BOOT', 'BPF', 'PERFMON', 'MAC_ADMIN', 'MAC_OVERRIDE', 'SYSLOG']);
const RISKY = new Set(['NET_ADMIN', 'NET_RAW', 'SYS_TIME', 'SYS_RESOURCE', 'LINUX_IMMUTABLE', 'SETFCAP', 'IPC_LOCK', 'SYS_NICE', 'AUDIT_CONTROL', 'MKNOD', 'SYS_CHROOT', 'CHECKPOINT_RESTORE']);

function capSeverity(cap: string): Severity | null {
  if (HOST_ROOT.has(cap)) return 'critical';
  if (RISKY.has(cap)) return 'medium';
  return null;
}

export const dangerousCapabilities = defineCheck({
  meta: {
    id: 'dangerous-capabilities',
    title: 'Extra Linux capabilities granted to jobs',
    severity: 'high',
    category: 'container-isolation',
    rationale:
      'cap_add widens what every job container may do in the kernel. ALL, SYS_ADMIN, SYS_MODULE, SYS_PTRACE, DAC_READ_SEARCH and similar are close to privileged mode and open known container escapes; others (NET_ADMIN, MKNOD) let a job reconfigure its network or create device nodes. GitLab recommends narrowing capabilities with cap_drop instead.',
    remediation: 'Remove the capability from cap_add; if a job truly needs it, give it a dedicated runner for that project and drop what it does not need with cap_drop.',
    gitlabSection: 'docker-executor',
    references: [{ title: 'Docker: runtime privilege and Linux capabilities', url: 'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeRunners(facts.domains.runner, (runners) =>
      runners.flatMap((at) => {
        const { runner } = at;
        const section = usesDocker(runner) ? runner.docker : runner.executor === 'kubernetes' ? runner.kubernetes : null;
        if (!section) return [];
        const table = usesDocker(runner) ? '[runners.docker]' : '[runners.kubernetes]';
        const dropped = new Set(section.capDrop.map(canonicalCap));
        return section.capAdd.flatMap((raw) => {
          const cap = canonicalCap(raw);
          const level = capSeverity(cap);
          if (!level || dropped.has(cap)) return [];
          return [
            runnerFinding(at, {
              message: `cap_add grants ${cap} to every job container${section.capDrop.length === 0 ? ' and cap_drop drops nothing' : ''}`,
              evidence: `${table} cap_add = ${tomlList(section.capAdd)}; cap_drop = ${tomlList(section.capDrop)}`,
              severity: level,
              remediation: `Remove "${raw}" from cap_add in ${table}; if a job needs it, use a dedicated runner and add cap_drop = ["ALL"] plus only what is required.`,
              key: cap,
            }),
          ];
        });
      }),
    );
  },
});
