import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DirHandle, SafeFsError } from '../../agent/lib/safe-fs.js';
import { FILE_ACCESS_MODES, withFileAccess } from '../helpers/file-access.js';
import { ScratchTree } from './tree.js';

let tree: ScratchTree;
afterEach(() => tree?.cleanup());

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
    return undefined;
  } catch (error) {
    return error instanceof SafeFsError ? error.code : 'other';
  }
}

describe.each(FILE_ACCESS_MODES)('DirHandle (%s file access)', (mode) => {
  withFileAccess(mode);

  it('reports a symlinked child directory as a symlink (O_DIRECTORY|O_NOFOLLOW says ENOTDIR)', () => {
    tree = new ScratchTree();
    tree.symlink('/etc', 'etc').file('x', 'plain');
    const dir = DirHandle.openRoot(tree.root);
    try {
      expect(codeOf(() => dir.openDir('etc'))).toBe('symlink');
      expect(codeOf(() => dir.openDir('plain'))).toBe('not-directory');
    } finally {
      dir.close();
    }
  });

  it.each([['a/b'], ['..'], ['.'], [''], ['x\u0000y']])('refuses %j: a child name must be one path component', (name) => {
    tree = new ScratchTree();
    tree.dir('a', 'b').file('secret', 'a', 'b', 'f');
    fs.symlinkSync('/', `${tree.root}/a/up`);
    const dir = DirHandle.openRoot(`${tree.root}/a`);
    try {
      expect(codeOf(() => dir.lstat(name))).toBe('not-found');
      expect(codeOf(() => dir.openDir(name))).toBe('not-found');
      expect(codeOf(() => dir.readFile(name))).toBe('not-found');
    } finally {
      dir.close();
    }
  });

  it('lstatIfExists: null for an absent name, the entry itself (never its target) otherwise', () => {
    tree = new ScratchTree();
    tree.symlink('/etc', 'etc').file('x', 'plain');
    const dir = DirHandle.openRoot(tree.root);
    try {
      expect(dir.lstatIfExists('absent')).toBeNull();
      expect(dir.lstatIfExists('etc')?.type).toBe('symlink');
      expect(dir.lstatIfExists('plain')?.type).toBe('file');
      expect(codeOf(() => dir.lstatIfExists('plain/x'))).toBe('not-found');
    } finally {
      dir.close();
    }
  });

  it('a multi-component name cannot walk through a symlinked directory', () => {
    tree = new ScratchTree();
    tree.dir('a').symlink('/etc', 'a', 'etc');
    const dir = DirHandle.openRoot(`${tree.root}/a`);
    try {
      expect(codeOf(() => dir.readFile('etc/hostname'))).toBe('not-found');
    } finally {
      dir.close();
    }
  });

  it('lstat, readLink and readFile see the entry itself, with the same fields either way', () => {
    tree = new ScratchTree();
    tree.file('hello\n', 'f').dir('d').symlink('x'.repeat(4000), 'long').symlink('/etc/shadow', 'shadow');
    fs.chmodSync(`${tree.root}/f`, 0o640);
    const dir = DirHandle.openRoot(tree.root);
    try {
      const stats = fs.lstatSync(`${tree.root}/f`);
      expect(dir.lstat('f')).toEqual({ type: 'file', mode: 0o640, uid: stats.uid, gid: stats.gid, size: 6, mtimeMs: Math.trunc(stats.mtimeMs), dev: stats.dev, ino: stats.ino, nlink: 1 });
      expect(dir.lstat('d').type).toBe('dir');
      expect(dir.lstat('shadow').type).toBe('symlink');
      expect(dir.readLink('long')).toBe('x'.repeat(4000));
      expect(codeOf(() => dir.readLink('f'))).toBe('io');
      expect(codeOf(() => dir.readFile('shadow'))).toBe('symlink');
      expect(dir.readFile('f', 3)).toMatchObject({ data: Buffer.from('hel'), truncated: true });
      expect(codeOf(() => dir.lstat('absent'))).toBe('not-found');
    } finally {
      dir.close();
    }
  });

  it('list: every kind of entry by its own type, names as bytes, cut at maxEntries, twice the same', () => {
    tree = new ScratchTree();
    tree.file('x', 'f').dir('d').symlink('/', 'link').fifo('pipe').dir(Buffer.from([0x66, 0xff, 0x0a]));
    const dir = DirHandle.openRoot(tree.root);
    try {
      const listed = dir.list(100);
      const byName = new Map(listed.entries.map((e) => [e.name.toString('latin1'), e.type]));
      expect(byName).toEqual(new Map([['f', 'file'], ['d', 'dir'], ['link', 'symlink'], ['pipe', 'fifo'], ['f\u00ff\n', 'dir']]));
      expect(listed.truncated).toBe(false);
      // The fd's own offset is not moved: a second listing sees the same.
      expect(dir.list(100).entries.map((e) => e.name.toString('latin1')).sort()).toEqual([...byName.keys()].sort());
      const cut = dir.list(2);
      expect(cut.entries).toHaveLength(2);
      expect(cut.truncated).toBe(true);
      expect(dir.list(5).truncated).toBe(false);
    } finally {
      dir.close();
    }
  });
});
