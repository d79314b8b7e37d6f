import { defineCheck, findingsOrPass, type FindingDraft } from '../../agent/core/check.js';
import { containerFindings, engineMissing } from './scope.js';

/** `seccomp=unconfined` or the legacy `seccomp:unconfined`; same for apparmor. */
function unconfined(securityOpt: readonly string[], profile: 'seccomp' | 'apparmor'): string | undefined {
  return securityOpt.find((opt) => new RegExp(`^${profile}[=:]unconfined$`, 'i').test(opt.trim()));
}

export const dockerSecurityProfileUnconfined = defineCheck({
  meta: {
    id: 'docker-security-profile-unconfined',
    title: 'seccomp or AppArmor turned off for containers',
    severity: 'high',
    category: 'container-isolation',
    rationale:
      "seccomp's default profile blocks the system calls most kernel exploits and container escapes start with " +
      "(unshare, mount, keyctl, bpf...); AppArmor's docker-default profile keeps a container away from /proc and /sys " +
      'files that reach the host. Turning either off leaves only namespaces between a job and the host kernel.',
    remediation:
      'Remove seccomp=unconfined and apparmor=unconfined from security_opt in [runners.docker]; if a tool needs a syscall, ' +
      'ship a custom seccomp profile that allows just that one. Keep seccomp enabled in the daemon.',
    gitlabSection: 'docker-executor',
    references: [
      { title: 'Docker: seccomp security profiles', url: 'https://docs.docker.com/engine/security/seccomp/' },
      { title: 'Docker: AppArmor security profiles', url: 'https://docs.docker.com/engine/security/apparmor/' },
    ],
    requires: ['docker'],
  },
  evaluate(facts) {
    const docker = facts.domains.docker;
    const missing = engineMissing(docker);
    if (missing) return missing;
    const findings: FindingDraft[] = [];
    const engine = docker.engine;
    if (engine && (!engine.seccomp || engine.seccompProfile === 'unconfined')) {
      findings.push({
        subject: { kind: 'daemon', id: 'dockerd', label: `Docker engine ${engine.version}` },
        message: 'the Docker engine applies no seccomp profile: no container gets a syscall filter',
        evidence: engine.seccomp ? `SecurityOptions: seccomp profile ${engine.seccompProfile}` : 'SecurityOptions has no seccomp entry',
        key: 'daemon-seccomp',
      });
    }
    findings.push(
      ...containerFindings(facts, (c, report) => {
        // Privileged containers run unconfined by design: docker-privileged-container reports them.
        if (c.privileged) return;
        const seccomp = unconfined(c.securityOpt, 'seccomp');
        const apparmor = unconfined(c.securityOpt, 'apparmor') ?? (engine?.apparmor && c.appArmorProfile === 'unconfined' ? 'AppArmorProfile=unconfined' : undefined);
        for (const [profile, evidence] of [
          ['seccomp', seccomp],
          ['AppArmor', apparmor],
        ] as const) {
          if (!evidence) continue;
          report({ what: `with ${profile} turned off`, evidence: `HostConfig.SecurityOpt: ${evidence}`, key: profile.toLowerCase() });
        }
      }),
    );
    return findingsOrPass(findings);
  },
});
