import { defineCheck, findingsOrPass, type FindingDraft } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import type { AclGrant, RunnerConfigFile } from '../../collectors/runner/types.js';
import { noRunnerReason } from './common.js';

function describe(config: RunnerConfigFile): string {
  return `${config.path}${config.runners.length ? ` (runners: ${config.runners.map((r) => r.name || `#${r.index + 1}`).slice(0, 5).join(', ')})` : ''}`;
}

function grantee(grant: AclGrant): string {
  return `${grant.kind} ${grant.name ?? (grant.kind === 'user' ? `uid ${grant.id}` : `gid ${grant.id}`)}`;
}

/** Named ACL entries on the file or its directory: grants that mode bits do not show. */
function aclProblems(config: RunnerConfigFile, jobUser: string | null, jobUserGids: readonly number[]): { severity: Severity; what: string; key: string }[] {
  const found: { severity: Severity; what: string; key: string }[] = [];
  const isJobUser = (grant: AclGrant) => (grant.kind === 'user' ? jobUser !== null && grant.name === jobUser : jobUserGids.includes(grant.id));
  for (const grant of config.file?.aclGrants ?? []) {
    if (grant.write) found.push({ severity: 'critical', what: `writable by ${grantee(grant)} through an ACL`, key: `acl-write:${grant.kind}:${grant.id}` });
    else if (isJobUser(grant)) found.push({ severity: 'high', what: `readable by the job user ${jobUser} through an ACL entry for ${grantee(grant)}, so every job can copy the tokens`, key: `acl-read:${grant.kind}:${grant.id}` });
    else found.push({ severity: 'medium', what: `readable by ${grantee(grant)} through an ACL`, key: `acl-read:${grant.kind}:${grant.id}` });
  }
  for (const grant of config.directory?.aclGrants ?? []) {
    if (grant.write) found.push({ severity: 'critical', what: `in a directory ${grantee(grant)} may write through an ACL, so the file can be replaced`, key: `dir-acl-write:${grant.kind}:${grant.id}` });
  }
  return found;
}

/** Problems with who may read or write the config, worst first. */
function problems(config: RunnerConfigFile): { severity: Severity; what: string; key: string }[] {
  const file = config.file;
  if (!file) return [];
  const found: { severity: Severity; what: string; key: string }[] = [];
  const jobUser = config.execution.effectiveJobUser;
  const jobUserIsRoot = config.execution.jobsRunAsRoot === true;
  // Unknown launch: a config under /home belongs to a user-mode runner, anything else to the root service.
  const runnerIsRoot = config.execution.runnerRunsAsRoot ?? !config.path.startsWith('/home/');
  const jobsShareRunnerUser = config.execution.jobUser === null && config.execution.runnerRunsAsRoot === false;
  if (file.mode & 0o002) found.push({ severity: 'critical', what: 'writable by every local user', key: 'other-write' });
  // With an ACL the mode's group bits are its mask: the owning group's own entry says what it may do.
  const groupPerm = file.aclGroupPerm ?? (file.mode >> 3) & 7;
  if (groupPerm & 2) found.push({ severity: 'critical', what: `writable by group ${file.group ?? file.gid}`, key: 'group-write' });
  if (jobUser && jobsShareRunnerUser && file.owner === jobUser) {
    found.push({ severity: 'high', what: `owned by ${jobUser}, the account the runner and its jobs both run as, so every job can read the tokens`, key: 'shared-user-owner' });
  } else if (jobUser && !jobUserIsRoot && file.owner === jobUser) {
    found.push({ severity: 'critical', what: `owned by the job user ${jobUser}, so every job can rewrite it and read the tokens`, key: 'job-user-owner' });
  } else if (runnerIsRoot && file.uid !== 0) {
    found.push({ severity: 'high', what: `owned by ${file.owner ?? `uid ${file.uid}`}, not root, who can change its mode and content`, key: 'non-root-owner' });
  }
  const jobUserInGroup = !jobUserIsRoot && config.execution.effectiveJobUserGids.includes(file.gid);
  if (file.mode & 0o004) found.push({ severity: 'high', what: 'readable by every local user (runner tokens can be copied)', key: 'other-read' });
  else if (groupPerm & 4 && jobUserInGroup) found.push({ severity: 'high', what: `readable by the job user ${jobUser} through group ${file.group ?? file.gid}, so every job can copy the tokens`, key: 'group-read' });
  else if (groupPerm & 4) found.push({ severity: 'medium', what: `readable by group ${file.group ?? file.gid}`, key: 'group-read' });
  const dir = config.directory;
  if (dir && dir.mode & 0o022 && !(dir.mode & 0o1000)) {
    found.push({ severity: 'critical', what: `its directory is writable by ${dir.mode & 0o002 ? 'every user' : `group ${dir.group ?? dir.gid}`}, so the file can be replaced`, key: 'dir-write' });
  }
  if (dir && jobUser && !jobUserIsRoot && !jobsShareRunnerUser && dir.owner === jobUser) {
    found.push({ severity: 'critical', what: `its directory is owned by the job user ${jobUser}, so jobs can replace the file`, key: 'dir-job-user' });
  }
  found.push(...aclProblems(config, jobUserIsRoot ? null : jobUser, jobUserIsRoot ? [] : config.execution.effectiveJobUserGids));
  return found;
}

/** The ACL grants as getfacl shows named entries, e.g. " +acl user:ci:r-- group:ops:rw-". */
function aclText(grants: readonly AclGrant[] | undefined): string {
  if (!grants || grants.length === 0) return '';
  return ` +acl ${grants.map((g) => `${g.kind}:${g.name ?? g.id}:${g.read ? 'r' : '-'}${g.write ? 'w' : '-'}-`).join(' ')}`;
}

export const configTomlPermissions = defineCheck({
  meta: {
    id: 'config-toml-permissions',
    title: 'Runner config readable or writable by others or by the job user',
    severity: 'high',
    category: 'secrets',
    rationale:
      'config.toml holds the runner authentication tokens (whoever copies one can clone the runner and receive other projects\' jobs and secrets) and decides job isolation: the runner reloads it within seconds, so write access means switching on privileged mode or mounting the host into jobs.',
    remediation: 'chown root:root the file and its directory, chmod 600 config.toml and chmod 700 its directory, and remove any ACL (setfacl -b); keep the service --user an unprivileged account that owns neither.',
    gitlabSection: 'cloning-runner',
    references: [{ title: 'Runner authentication tokens', url: 'https://docs.gitlab.com/security/tokens/#runner-authentication-tokens' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    const runnerFacts = facts.domains.runner;
    const configs = runnerFacts.configs.filter((c) => c.file !== null);
    if (configs.length === 0) return { status: 'not-applicable', reason: noRunnerReason(runnerFacts) };
    const drafts: FindingDraft[] = configs.flatMap((config) =>
      problems(config).map((problem) => ({
        subject: { kind: 'path' as const, id: config.path },
        message: `${describe(config)} is ${problem.what}`,
        evidence: `${config.path} ${config.file?.owner ?? config.file?.uid}:${config.file?.group ?? config.file?.gid} ${config.file?.modeOctal}${aclText(config.file?.aclGrants)}; directory ${config.directory ? `${config.directory.owner ?? config.directory.uid}:${config.directory.group ?? config.directory.gid} ${config.directory.modeOctal}` : 'unknown'}${config.execution.effectiveJobUser ? `; jobs run as ${config.execution.effectiveJobUser}` : ''}`,
        severity: problem.severity,
        remediation: `chown root:root ${config.path} && chmod 600 ${config.path} && chmod 700 ${config.path.replace(/\/[^/]*$/, '') || '/'}${problem.key.includes('acl') ? ` && setfacl -b ${config.path} ${config.path.replace(/\/[^/]*$/, '') || '/'}` : ''}`,
        key: problem.key,
      })),
    );
    return findingsOrPass(drafts);
  },
});
