import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DirHandle, SafeFsError } from '../../agent/lib/safe-fs.js';
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

describe('DirHandle', () => {
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

  it.each([['a/b'], ['..'], [''], ['x\u0000y']])('refuses %j: a child name must be one path component', (name) => {
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
});
