import { effectivePerm, type PosixAcl } from '../../agent/lib/posix-acl.js';
import { safeText } from '../../agent/lib/sanitize.js';
import type { Accounts } from './accounts.js';
import type { HostFiles } from './host-files.js';
import type { DockerGroupFacts, DockerGroupMember, DockerSocketUserGrant } from './types.js';

const SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];
const MAX_MEMBERS = 200;

function members(accounts: Accounts, gid: number, listed: readonly string[]): DockerGroupMember[] {
  const found: DockerGroupMember[] = [];
  for (const user of accounts.users) if (user.gid === gid) found.push({ user: safeText(user.name, 100), via: 'primary' });
  for (const name of listed) if (!found.some((m) => m.user === name)) found.push({ user: safeText(name, 100), via: 'supplementary' });
  return found.slice(0, MAX_MEMBERS);
}

const RW = 6;

/** Named ACL entries that grant read-write within the mask (connecting to a socket needs write). */
function rwEntries(entries: PosixAcl['users'], acl: PosixAcl): number[] {
  return entries.filter((entry) => (effectivePerm(acl, entry.perm) & RW) === RW).map((entry) => entry.id);
}

/**
 * Who reaches the Docker daemon: the group named `docker`, whatever group owns the daemon
 * socket with read-write access (a renamed or custom group works just as well), and groups and
 * accounts a POSIX ACL on the socket grants read-write (when file access reads ACLs).
 */
export function dockerAccess(files: HostFiles, accounts: Accounts): { groups: DockerGroupFacts[]; userGrants: DockerSocketUserGrant[] } {
  const groups: DockerGroupFacts[] = [];
  const userGrants: DockerSocketUserGrant[] = [];
  const addGroup = (gid: number, reason: DockerGroupFacts['reason']): void => {
    if (groups.some((g) => g.gid === gid)) return;
    const group = accounts.groupByGid(gid);
    groups.push({ name: safeText(group?.name ?? String(gid), 100), gid, reason, members: members(accounts, gid, group?.members ?? []) });
  };
  const named = accounts.group('docker');
  if (named) groups.push({ name: 'docker', gid: named.gid, reason: 'named-docker', members: members(accounts, named.gid, named.members) });
  for (const socket of SOCKETS) {
    const info = files.statSystem(socket);
    if (!info || info.type !== 'socket') continue;
    // With an ACL, the mode's group bits are its mask: the owning group's own entry says what it may do.
    const groupRw = info.acl ? (effectivePerm(info.acl, info.acl.groupObj) & RW) === RW : (info.mode & 0o060) === 0o060;
    if (groupRw && info.gid !== 0) addGroup(info.gid, 'owns-socket');
    if (!info.acl) continue;
    for (const gid of rwEntries(info.acl.groups, info.acl)) addGroup(gid, 'socket-acl');
    for (const uid of rwEntries(info.acl.users, info.acl)) {
      if (userGrants.some((g) => g.uid === uid)) continue;
      userGrants.push({ socket, user: safeText(accounts.userByUid(uid)?.name ?? String(uid), 100), uid });
    }
  }
  return { groups, userGrants };
}
