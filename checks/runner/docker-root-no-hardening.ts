import { defineCheck } from '../../agent/core/check.js';
import { canonicalCap, judgeDockerRunners, runnerFinding, tomlList } from './common.js';

const runsAsRoot = (user: string | null): boolean => user === null || /^(?:root|0)(?::.*)?$/.test(user.trim());

export const dockerRootNoHardening = defineCheck({
  meta: {
    id: 'docker-root-no-hardening',
    title: 'Job containers run as root without privilege-escalation guards',
    severity: 'low',
    category: 'container-isolation',
    rationale:
      'Most images run as root. GitLab recommends running jobs as a non-root user, or at least with setuid and setgid dropped, so that a process in the job cannot regain root through a setuid binary. security_opt = ["no-new-privileges"] or dropping SETUID/SETGID (or ALL) provides that guard.',
    remediation: 'Set user = "<uid>" (with allowed_users) in [runners.docker], or add security_opt = ["no-new-privileges"] and cap_drop = ["SETUID", "SETGID"] (or ["ALL"]).',
    gitlabSection: 'docker-executor',
    references: [{ title: 'Usage of Docker executor', url: 'https://docs.gitlab.com/runner/security/#usage-of-docker-executor' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeDockerRunners(facts.domains.runner, (at, docker) => {
      // Privileged containers are judged by docker-privileged-build; these guards do not apply there.
      if (docker.privileged || !runsAsRoot(docker.user)) return [];
      const noNewPrivileges = docker.securityOpt.some((opt) => /^no-new-privileges(?:[=:]true)?$/i.test(opt.trim()));
      const dropped = new Set(docker.capDrop.map(canonicalCap));
      const setidDropped = dropped.has('ALL') || (dropped.has('SETUID') && dropped.has('SETGID'));
      if (noNewPrivileges || setidDropped) return [];
      return [
        runnerFinding(at, {
          message: 'job containers run as root (image default) with neither no-new-privileges nor SETUID/SETGID dropped',
          evidence: `[runners.docker] user = ${docker.user ? `"${docker.user}"` : 'unset'}; security_opt = ${tomlList(docker.securityOpt)}; cap_drop = ${tomlList(docker.capDrop)}`,
          remediation: 'Add security_opt = ["no-new-privileges"] and cap_drop = ["SETUID", "SETGID"] to [runners.docker], or set user to a non-root uid.',
        }),
      ];
    });
  },
});
