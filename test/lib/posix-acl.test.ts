import { describe, expect, it } from 'vitest';
import { aclDecides, parsePosixAcl, type PosixAcl } from '../../agent/lib/posix-acl.js';
import { aclBytes, GROUP, GROUP_OBJ, MASK, OTHER, USER, USER_OBJ } from '../helpers/acl.js';

describe('parsePosixAcl', () => {
  it('reads named users and groups, the owning group entry and the mask', () => {
    const acl = parsePosixAcl(aclBytes([[USER_OBJ, 6], [USER, 6, 999], [GROUP_OBJ, 4], [GROUP, 7, 1500], [MASK, 6], [OTHER, 0]]));
    expect(acl).toEqual({ users: [{ id: 999, perm: 6 }], groups: [{ id: 1500, perm: 7 }], groupObj: 4, mask: 6 });
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['version 1', Buffer.from([1, 0, 0, 0])],
    ['a cut entry', aclBytes([[USER_OBJ, 6]]).subarray(0, 10)],
  ])('refuses %s', (_name, bytes) => {
    expect(parsePosixAcl(bytes)).toBeNull();
  });
});

describe('aclDecides (an account that does not own the file)', () => {
  const acl: PosixAcl = { users: [{ id: 999, perm: 6 }, { id: 1001, perm: 4 }], groups: [{ id: 1500, perm: 6 }], groupObj: 4, mask: 6 };
  const READ = 4;
  const WRITE = 2;
  const SEARCH = 1;

  it.each([
    ['a named user, within the mask', 999, [999], WRITE, true],
    ['a named user without the bit', 1001, [1001], WRITE, false],
    ['a named user decides, whatever their groups grant', 1001, [1500], WRITE, false],
    ['a named group member', 1200, [1500], WRITE, true],
    ['the owning group, by its own entry', 1200, [50], READ, true],
    ['the owning group, not write', 1200, [50], WRITE, false],
    ['in the group class but no entry grants: denied, not "other"', 1200, [50], SEARCH, false],
    ['in no entry: other decides', 1300, [77], READ, undefined],
  ] as const)('%s', (_name, uid, gids, bit, expected) => {
    expect(aclDecides(acl, uid, gids, 50, bit)).toBe(expected);
  });

  it('the mask caps named entries: rw granted, r effective', () => {
    expect(aclDecides({ ...acl, mask: 4 }, 999, [999], 50, WRITE)).toBe(false);
    expect(aclDecides({ ...acl, mask: 4 }, 999, [999], 50, READ)).toBe(true);
  });
});
