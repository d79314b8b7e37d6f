import { defineCheck } from '../../agent/core/check.js';
import { judgeDockerRunners, runnerFinding, tomlList } from './common.js';

/** security_opt values that switch off a kernel confinement layer. */
function disables(option: string): string | null {
  const value = option.trim().toLowerCase().replace(/\s+/g, '');
  if (/^seccomp[=:]unconfined$/.test(value)) return 'seccomp';
  if (/^apparmor[=:]unconfined$/.test(value)) return 'AppArmor';
  if (/^label[=:]disable$/.test(value)) return 'SELinux labelling';
  if (/^systempaths[=:]unconfined$/.test(value)) return 'masked /proc and /sys paths';
  return null;
}

export const securityProfileDisabled = defineCheck({
  meta: {
    id: 'security-profile-disabled',
    title: 'seccomp, AppArmor or SELinux confinement disabled for jobs',
    severity: 'high',
    category: 'container-isolation',
    rationale:
      'seccomp and AppArmor/SELinux profiles block the system calls and file accesses most container escapes rely on. security_opt = ["seccomp=unconfined"] or ["apparmor=unconfined"] removes that layer for every job container.',
    remediation: 'Remove the unconfined entries from security_opt (and services_security_opt); if one syscall is needed, ship a custom seccomp profile that allows just it.',
    gitlabSection: 'docker-executor',
    references: [{ title: 'Docker: seccomp security profiles', url: 'https://docs.docker.com/engine/security/seccomp/' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeDockerRunners(facts.domains.runner, (at, docker) => {
      const settings = [
        { key: 'security_opt', values: docker.securityOpt, who: 'job containers' },
        { key: 'services_security_opt', values: docker.servicesSecurityOpt, who: 'service containers' },
      ];
      return settings.flatMap(({ key, values, who }) =>
        values.flatMap((option) => {
          const layer = disables(option);
          if (!layer) return [];
          return [
            runnerFinding(at, {
              message: `${layer} confinement is off for ${who}`,
              evidence: `[runners.docker] ${key} = ${tomlList(values)}`,
              remediation: `Remove "${option}" from ${key} in [runners.docker].`,
              key: `${key}:${option.toLowerCase()}`,
            }),
          ];
        }),
      );
    });
  },
});
