import fs from 'node:fs';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeAddon, type NativeAddon } from '../../agent/lib/native-addon.js';
import { GROUP_OBJ, MASK, OTHER, USER, USER_OBJ, setAcl } from '../helpers/acl.js';
import { ScratchTree } from './tree.js';

/**
 * The addon's own guard rails, called directly: the JS side checks names before calling, and the
 * C side must refuse the same things on its own. The test setup installs a C compiler, so the
 * addon must be there: a missing build is a failure, not a skip.
 */

const { EINVAL, ENAMETOOLONG, EBADF, ENOENT, ELOOP, ENODATA } = os.constants.errno;
const SLOTS = 12;

let tree: ScratchTree;
afterEach(() => tree?.cleanup());

function addon(): NativeAddon {
  const loaded = nativeAddon();
  if ('problem' in loaded) throw new Error(loaded.problem);
  return loaded.addon;
}

function withDir<T>(work: (fd: number) => T): T {
  const fd = fs.openSync(tree.root, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    return work(fd);
  } finally {
    fs.closeSync(fd);
  }
}

describe('native addon', () => {
  it('is built and loads', () => {
    expect(nativeAddon()).toHaveProperty('addon');
  });

  it.each([
    ['a/b', -EINVAL],
    ['..', -EINVAL],
    ['.', -EINVAL],
    ['', -EINVAL],
    ['x\u0000y', -EINVAL],
    ['n'.repeat(256), -ENAMETOOLONG],
  ])('refuses the name %j before any system call', (name, errno) => {
    tree = new ScratchTree();
    tree.dir('a', 'b');
    const native = addon();
    withDir((fd) => {
      const bytes = Buffer.from(name);
      expect(native.openAt(fd, bytes, fs.constants.O_RDONLY)).toBe(errno);
      expect(native.lstatAt(fd, bytes, new Float64Array(8))).toBe(errno);
      expect(native.readlinkAt(fd, bytes, Buffer.alloc(64))).toBe(errno);
      expect(native.probeWorkingCopies(fd, [Buffer.from('a'), bytes], new Float64Array(2 * SLOTS), Buffer.alloc(2 * 64), 64)).toBe(errno);
      expect(native.aclAt(fd, bytes, Buffer.alloc(64))).toBe(errno);
    });
  });

  it('refuses arguments of the wrong shape instead of reading past them', () => {
    tree = new ScratchTree();
    tree.dir('a', '.git');
    const native = addon();
    const call = native as unknown as Record<keyof NativeAddon, (...args: unknown[]) => number>;
    withDir((fd) => {
      expect(call.openAt(fd, 'a', fs.constants.O_RDONLY)).toBe(-EINVAL);
      expect(call.lstatAt(fd, Buffer.from('a'), new Float64Array(7))).toBe(-EINVAL);
      expect(call.lstatAt(fd, Buffer.from('a'), new Float32Array(8))).toBe(-EINVAL);
      expect(call.lstatAt(fd, Buffer.from('a'))).toBe(-EINVAL);
      // Out and config buffers must hold the whole batch.
      expect(call.probeWorkingCopies(fd, [Buffer.from('a'), Buffer.from('a')], new Float64Array(SLOTS), Buffer.alloc(128), 64)).toBe(-EINVAL);
      expect(call.probeWorkingCopies(fd, [Buffer.from('a'), Buffer.from('a')], new Float64Array(2 * SLOTS), Buffer.alloc(127), 64)).toBe(-EINVAL);
      expect(call.probeWorkingCopies(fd, [Buffer.from('a')], new Float64Array(SLOTS), Buffer.alloc(64), 0)).toBe(-EINVAL);
      expect(call.probeWorkingCopies(fd, 'a', new Float64Array(SLOTS), Buffer.alloc(64), 64)).toBe(-EINVAL);
      expect(call.listAt(fd, -1)).toBe(-EINVAL);
      expect(call.listAt(fd)).toBe(-EINVAL);
    });
  });

  it('reports errno, never follows the child, and fails cleanly on a closed fd', () => {
    tree = new ScratchTree();
    tree.symlink('/etc', 'etc');
    const native = addon();
    withDir((fd) => {
      expect(native.openAt(fd, Buffer.from('absent'), fs.constants.O_RDONLY)).toBe(-ENOENT);
      expect(native.openAt(fd, Buffer.from('etc'), fs.constants.O_RDONLY)).toBe(-ELOOP);
      const stat = new Float64Array(8);
      expect(native.lstatAt(fd, Buffer.from('etc'), stat)).toBe(0);
      expect((stat[0] as number) & fs.constants.S_IFMT).toBe(fs.constants.S_IFLNK);
    });
    const closed = fs.openSync(tree.root, fs.constants.O_RDONLY);
    fs.closeSync(closed);
    expect(native.openAt(closed, Buffer.from('etc'), fs.constants.O_RDONLY)).toBe(-EBADF);
    expect(native.listAt(closed, 10)).toBe(-EBADF);
    expect(native.aclAt(closed, null, Buffer.alloc(64))).toBe(-EBADF);
  });

  it('lists in records: a flag byte, then d_type, length and name per entry, without . and ..', () => {
    tree = new ScratchTree();
    tree.file('x', 'f').dir('d');
    const listing = withDir((fd) => addon().listAt(fd, 10));
    expect(Buffer.isBuffer(listing)).toBe(true);
    const records = listing as Buffer;
    expect(records[0]).toBe(0);
    const seen: string[] = [];
    for (let offset = 1; offset < records.length; offset += 2 + (records[offset + 1] as number)) {
      seen.push(`${records[offset]}:${records.toString('latin1', offset + 2, offset + 2 + (records[offset + 1] as number))}`);
    }
    expect(seen.sort()).toEqual(['4:d', '8:f']);
    expect((withDir((fd) => addon().listAt(fd, 1)) as Buffer)[0]).toBe(1);
  });

  it('reads an access ACL of a child (not followed) or of an open fd; ENODATA without one', () => {
    tree = new ScratchTree();
    tree.file('x', 'plain').file('x', 'granted').symlink('granted', 'link');
    setAcl(`${tree.root}/granted`, [[USER_OBJ, 6], [USER, 4, 65534], [GROUP_OBJ, 4], [MASK, 4], [OTHER, 0]]);
    const out = Buffer.alloc(256);
    withDir((fd) => {
      expect(addon().aclAt(fd, Buffer.from('plain'), out)).toBe(-ENODATA);
      expect(addon().aclAt(fd, Buffer.from('granted'), out)).toBe(4 + 5 * 8);
      // The symlink's own xattrs, never its target's (symlinks cannot carry ACLs).
      expect(addon().aclAt(fd, Buffer.from('link'), out)).toBeLessThan(0);
    });
    const file = fs.openSync(`${tree.root}/granted`, fs.constants.O_RDONLY);
    try {
      expect(addon().aclAt(file, null, out)).toBe(4 + 5 * 8);
    } finally {
      fs.closeSync(file);
    }
  });

  it('probes a batch larger than one thread takes, each result in its own slots', () => {
    tree = new ScratchTree();
    const names: Buffer[] = [];
    for (let i = 0; i < 300; i++) {
      const name = `p${i}`;
      names.push(Buffer.from(name));
      // Every third one is not a working copy; the others say who they are in their config.
      if (i % 3 === 0) tree.dir(name);
      else tree.file(`[remote "origin"]\n\turl = https://example.invalid/${name}.git\n`, name, '.git', 'config');
    }
    const out = new Float64Array(names.length * SLOTS);
    const configs = Buffer.alloc(names.length * 128);
    withDir((fd) => expect(addon().probeWorkingCopies(fd, names, out, configs, 128)).toBe(0));
    names.forEach((name, i) => {
      expect(out[i * SLOTS], `${name}`).toBe(i % 3 === 0 ? 0 : 1);
      if (i % 3 === 0) return;
      const bytes = out[i * SLOTS + 8] as number;
      expect(configs.toString('utf8', i * 128, i * 128 + bytes)).toContain(`/${name}.git`);
    });
  });
});
