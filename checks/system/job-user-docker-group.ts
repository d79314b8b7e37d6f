import { defineCheck, findingsOrPass } from '../../agent/core/check.js';
import type { DockerGroupFacts, DockerSocketUserGrant, JobUser } from '../../collectors/system/types.js';
import { describeJobUser, jobUserFindings, RUNNER_SECURITY_URL } from './common.js';

function membership(user: JobUser, group: DockerGroupFacts): 'primary' | 'supplementary' | null {
  const listed = group.members.find((m) => m.user === user.name);
  if (listed) return listed.via;
  if (user.gid === group.gid) return 'primary';
  return user.gids.includes(group.gid) ? 'supplementary' : null;
}

const GROUP_REASON: Record<DockerGroupFacts['reason'], string> = {
  'named-docker': 'is the docker group',
  'owns-socket': 'owns the Docker socket',
  'socket-acl': 'an ACL on the Docker socket grants read-write',
};

function groupFinding(user: JobUser, group: DockerGroupFacts, via: 'primary' | 'supplementary') {
  const shell = user.runners.length > 0;
  return {
    key: group.name,
    message: `${describeJobUser(user)} is in group ${group.name}, which ${GROUP_REASON[group.reason]}: ${shell ? 'every shell job can become root on this host' : 'a compromise of the account is root on this host'}`,
    evidence: `group ${group.name} (gid ${group.gid}) ${via === 'primary' ? 'is the primary group of' : 'lists'} ${user.name}`,
    severity: shell ? ('critical' as const) : ('high' as const),
    remediation: `Remove ${user.name} from group ${group.name} (gpasswd -d ${user.name} ${group.name}${via === 'primary' ? '; also change its primary group with usermod -g' : ''})${group.reason === 'socket-acl' ? ', or remove the group from the socket ACL' : ''}.`,
  };
}

function aclFinding(user: JobUser, grant: DockerSocketUserGrant) {
  const shell = user.runners.length > 0;
  return {
    key: `acl:${grant.socket}`,
    message: `an ACL on ${grant.socket} grants ${describeJobUser(user)} read-write: ${shell ? 'every shell job can become root on this host' : 'a compromise of the account is root on this host'}`,
    evidence: `${grant.socket}: user:${grant.user}:rw (uid ${grant.uid})`,
    severity: shell ? ('critical' as const) : ('high' as const),
    // The unit that creates the socket may set the ACL again at each start: the fix must reach it too.
    remediation: `Remove the entry (setfacl -x u:${grant.user} ${grant.socket}) and whatever sets it at boot (a systemd drop-in or tmpfiles rule for docker.socket).`,
  };
}

export const jobUserDockerGroup = defineCheck({
  meta: {
    id: 'job-user-docker-group',
    title: 'Job user can talk to the Docker daemon',
    severity: 'critical',
    category: 'host-access',
    rationale:
      'Membership of the docker group (or of whichever group owns the daemon socket, or a POSIX ACL on the socket) lets an account start a privileged container with the host filesystem mounted: it is root on the host. Shell-executor jobs run as the job user, so any job can take the host; even without a shell runner, anything that compromises the account becomes root.',
    remediation: 'Remove the job user from the group (gpasswd -d gitlab-runner docker). Build images with the docker executor instead of shell plus the docker CLI, or give jobs rootless Docker or a socket proxy with an allowlist.',
    gitlabSection: 'docker-installed',
    references: [
      { title: 'Security for self-managed runners', url: RUNNER_SECURITY_URL },
      { title: 'Docker daemon attack surface', url: 'https://docs.docker.com/engine/security/#docker-daemon-attack-surface' },
    ],
    requires: ['system'],
  },
  evaluate(facts) {
    const system = facts.domains.system;
    return findingsOrPass(
      jobUserFindings(system, (user) => [
        ...system.dockerGroups.flatMap((group) => {
          const via = membership(user, group);
          return via ? [groupFinding(user, group, via)] : [];
        }),
        ...system.dockerSocketUserGrants.filter((grant) => grant.uid === user.uid).map((grant) => aclFinding(user, grant)),
      ]),
    );
  },
});
