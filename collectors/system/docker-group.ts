import { safeText } from '../../agent/lib/sanitize.js';
import type { Accounts } from './accounts.js';
import type { HostFiles } from './host-files.js';
import type { DockerGroupFacts, DockerGroupMember } from './types.js';

const SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];
const MAX_MEMBERS = 200;

function members(accounts: Accounts, gid: number, listed: readonly string[]): DockerGroupMember[] {
  const found: DockerGroupMember[] = [];
  for (const user of accounts.users) if (user.gid === gid) found.push({ user: safeText(user.name, 100), via: 'primary' });
  for (const name of listed) if (!found.some((m) => m.user === name)) found.push({ user: safeText(name, 100), via: 'supplementary' });
  return found.slice(0, MAX_MEMBERS);
}

/**
 * Groups that reach the Docker daemon: the one named `docker`, and whatever group owns the
 * daemon socket with read-write access (a renamed or custom group works just as well).
 */
export function dockerGroups(files: HostFiles, accounts: Accounts): DockerGroupFacts[] {
  const groups: DockerGroupFacts[] = [];
  const named = accounts.group('docker');
  if (named) groups.push({ name: 'docker', gid: named.gid, reason: 'named-docker', members: members(accounts, named.gid, named.members) });
  for (const socket of SOCKETS) {
    const info = files.statSystem(socket);
    if (!info || info.type !== 'socket' || (info.mode & 0o060) !== 0o060 || info.gid === 0) continue;
    if (groups.some((g) => g.gid === info.gid)) continue;
    const owner = accounts.groupByGid(info.gid);
    groups.push({ name: safeText(owner?.name ?? String(info.gid), 100), gid: info.gid, reason: 'owns-socket', members: members(accounts, info.gid, owner?.members ?? []) });
  }
  return groups;
}
