import { readTextUnderRoot } from '../../agent/lib/safe-fs.js';

/** Names of users and groups from the host's /etc/passwd and /etc/group (bounded reads). */
export interface Accounts {
  userName(uid: number): string | null;
  groupName(gid: number): string | null;
  uidOf(name: string): number | null;
  homeOf(name: string): string | null;
  /** Primary and supplementary group ids of a user; empty when the user is unknown. */
  gidsOf(name: string): number[];
}

function readLines(root: string, file: string): string[][] {
  try {
    const content = readTextUnderRoot(root, file, { maxBytes: 4 * 1024 * 1024 });
    return (content ?? '').split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(':'));
  } catch {
    return [];
  }
}

export function loadAccounts(root: string): Accounts {
  const users = readLines(root, '/etc/passwd').filter((f) => f.length >= 7);
  const groups = readLines(root, '/etc/group').filter((f) => f.length >= 3);
  const byUid = new Map<number, string>();
  const byName = new Map<string, { uid: number; gid: number; home: string }>();
  for (const [name, , uid, gid, , home] of users) {
    const id = Number(uid);
    if (!name || !Number.isInteger(id)) continue;
    if (!byUid.has(id)) byUid.set(id, name);
    if (!byName.has(name)) byName.set(name, { uid: id, gid: Number(gid), home: home ?? '' });
  }
  const byGid = new Map<number, string>();
  const memberOf = new Map<string, number[]>();
  for (const [name, , gid, members] of groups) {
    const id = Number(gid);
    if (!name || !Number.isInteger(id)) continue;
    if (!byGid.has(id)) byGid.set(id, name);
    for (const member of (members ?? '').split(',').map((m) => m.trim()).filter(Boolean)) memberOf.set(member, [...(memberOf.get(member) ?? []), id]);
  }
  return {
    userName: (uid) => byUid.get(uid) ?? null,
    groupName: (gid) => byGid.get(gid) ?? null,
    uidOf: (name) => byName.get(name)?.uid ?? null,
    homeOf: (name) => byName.get(name)?.home || null,
    gidsOf: (name) => {
      const user = byName.get(name);
      if (!user) return [];
      return [...new Set([...(Number.isInteger(user.gid) ? [user.gid] : []), ...(memberOf.get(name) ?? [])])];
    },
  };
}
