import type { GroupEntry, UserEntry } from './types.js';

/** Cap on lines parsed from /etc/passwd and /etc/group (a host with more is misconfigured or hostile). */
const MAX_LINES = 50_000;

function fields(text: string, count: number): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\n').slice(0, MAX_LINES)) {
    if (line.trim() === '' || line.startsWith('#') || line.startsWith('+') || line.startsWith('-')) continue;
    const parts = line.split(':');
    if (parts.length >= count) rows.push(parts);
  }
  return rows;
}

function id(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return null;
  const value = Number(text);
  return value <= 0xffffffff ? value : null;
}

/** /etc/passwd entries; malformed lines (and NIS `+`/`-` lines) are skipped. */
export function parsePasswd(text: string): UserEntry[] {
  const users: UserEntry[] = [];
  for (const [name = '', , uidText, gidText, , home = '', shell = ''] of fields(text, 7)) {
    const uid = id(uidText);
    const gid = id(gidText);
    if (name === '' || uid === null || gid === null) continue;
    users.push({ name, uid, gid, home, shell: shell.trim() });
  }
  return users;
}

/** /etc/group entries. */
export function parseGroup(text: string): GroupEntry[] {
  const groups: GroupEntry[] = [];
  for (const [name = '', , gidText, memberText = ''] of fields(text, 4)) {
    const gid = id(gidText);
    if (name === '' || gid === null) continue;
    const members = memberText
      .trim()
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m !== '');
    groups.push({ name, gid, members });
  }
  return groups;
}

/** Lookups over passwd and group, as the kernel and sudo see them. */
export class Accounts {
  private readonly byName = new Map<string, UserEntry>();
  private readonly byUid = new Map<number, UserEntry>();

  constructor(
    readonly users: readonly UserEntry[],
    readonly groups: readonly GroupEntry[],
  ) {
    // First entry wins, as getpwnam does.
    for (const user of users) {
      if (!this.byName.has(user.name)) this.byName.set(user.name, user);
      if (!this.byUid.has(user.uid)) this.byUid.set(user.uid, user);
    }
  }

  user(name: string): UserEntry | undefined {
    return this.byName.get(name);
  }

  userByUid(uid: number): UserEntry | undefined {
    return this.byUid.get(uid);
  }

  group(name: string): GroupEntry | undefined {
    return this.groups.find((g) => g.name === name);
  }

  groupByGid(gid: number): GroupEntry | undefined {
    return this.groups.find((g) => g.gid === gid);
  }

  /** Group ids of an account: its primary gid first, then every group listing it as a member. */
  gidsOf(user: UserEntry): number[] {
    const gids = [user.gid];
    for (const group of this.groups) if (group.members.includes(user.name) && !gids.includes(group.gid)) gids.push(group.gid);
    return gids;
  }
}
