import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DirHandle } from '../../agent/lib/safe-fs.js';
import { CLAIM_BATCH, openTreeRoot, walkTree, type WalkLimits, type WalkReport } from '../../agent/lib/safe-walk.js';
import { FILE_ACCESS_MODES, withFileAccess } from '../helpers/file-access.js';
import { ScratchTree } from './tree.js';

let tree: ScratchTree;
afterEach(() => tree?.cleanup());

const limits = (over: Partial<WalkLimits> = {}): WalkLimits => ({ maxEntries: 10_000, maxDepth: 16, deadline: Date.now() + 10_000, ...over });

async function walk(root: string, lim: WalkLimits, onEnter?: (path: readonly Buffer[]) => void): Promise<{ report: WalkReport; dirs: string[]; files: string[] }> {
  const dir = DirHandle.openRoot(root);
  const dirs: string[] = [];
  const files: string[] = [];
  try {
    const report = await walkTree(dir, '/builds', lim, {
      enter: ({ path }) => {
        dirs.push(Buffer.concat(path.flatMap((p) => [Buffer.from('/'), p])).toString('latin1'));
        onEnter?.(path);
        return 'list';
      },
      file: ({ path }, name) => files.push(Buffer.concat([...path.flatMap((p) => [Buffer.from('/'), p]), Buffer.from('/'), name]).toString('latin1')),
    });
    return { report, dirs, files };
  } finally {
    dir.close();
  }
}

describe.each(FILE_ACCESS_MODES)('walkTree (%s file access)', (mode) => {
  withFileAccess(mode);

  it('never enters symlinks (to /, loops, self) and counts them', async () => {
    tree = new ScratchTree();
    tree.dir('a').file('x', 'a', 'f').symlink('/', 'a', 'root').symlink('b', 'loop1').symlink('loop1', 'b').symlink('.', 'self').symlink('/etc/shadow', 'a', 'shadow');
    const { report, dirs, files } = await walk(tree.root, limits());
    expect(dirs.sort()).toEqual(['', '/a']);
    expect(files).toEqual(['/a/f']);
    expect(report).toMatchObject({ symlinks: 5, limits: [], races: 0 });
  });

  it('stops at the depth limit and says where', async () => {
    tree = new ScratchTree();
    tree.deep(5_000, 'deep');
    const started = performance.now();
    const { report, dirs } = await walk(tree.root, limits({ maxDepth: 8 }));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(dirs).toHaveLength(9);
    expect(report.limits).toEqual(['depth']);
    expect(report.truncatedAt).toEqual(['/builds/deep/d/d/d/d/d/d/d']);
  });

  it('stops at the entry limit in a huge directory and says where', async () => {
    tree = new ScratchTree();
    tree.dir('many');
    for (let i = 0; i < 5_000; i++) fs.writeFileSync(`${tree.root}/many/${i}`, '');
    const { report } = await walk(tree.root, limits({ maxEntries: 1_000 }));
    expect(report.entries).toBe(1_000);
    expect(report.limits).toEqual(['entries']);
    expect(report.truncatedAt).toEqual(['/builds/many']);
  });

  it('stops when the caller aborts, as for its deadline', async () => {
    tree = new ScratchTree();
    tree.dir('a', 'b');
    const { report } = await walk(tree.root, limits({ signal: AbortSignal.abort() }));
    expect(report.limits).toEqual(['time']);
  });

  it('hands the event loop back during a long walk', async () => {
    tree = new ScratchTree();
    for (let i = 0; i < 400; i++) tree.dir(`p${i}`, 'a', 'b');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    // A visitor slow enough that the whole walk takes well over one slice.
    const { dirs } = await walk(tree.root, limits(), () => {
      const until = performance.now() + 0.2;
      while (performance.now() < until);
    });
    clearInterval(timer);
    expect(dirs.length).toBe(1 + 400 * 3);
    expect(ticks).toBeGreaterThan(5);
  });

  it('stops when the deadline passes and says so', async () => {
    tree = new ScratchTree();
    tree.dir('a', 'b');
    const { report } = await walk(tree.root, limits({ deadline: Date.now() - 1 }));
    expect(report.limits).toEqual(['time']);
  });

  it('counts FIFOs and never opens them', async () => {
    tree = new ScratchTree();
    for (let i = 0; i < 8; i++) tree.fifo(`config${i}`);
    const { report, files } = await walk(tree.root, limits());
    expect(report.specialFiles).toBe(8);
    expect(files).toEqual([]);
  });

  it('keeps names as bytes: invalid UTF-8 names that decode alike are both entered', async () => {
    tree = new ScratchTree();
    tree.dir(Buffer.from([0x66, 0xfe, 0x6f])).dir(Buffer.from([0x66, 0xff, 0x6f])).dir('line\nbreak\u001b[2J');
    tree.file('x', Buffer.from([0x66, 0xfe, 0x6f]), 'inner');
    tree.file('y', Buffer.from([0x66, 0xff, 0x6f]), 'inner');
    const { dirs, files } = await walk(tree.root, limits());
    expect(dirs).toHaveLength(4);
    expect(files.sort()).toEqual(['/f\u00feo/inner', '/f\u00ffo/inner']);
  });

  it('a directory swapped for a symlink to / after listing is not entered: counted as a race', async () => {
    tree = new ScratchTree();
    tree.dir('a').dir('b', 'inner');
    const swapped: string[] = [];
    const { report, dirs } = await walk(tree.root, limits(), (path) => {
      // Entering the first sibling: swap the other one for a symlink to / before the walk reaches it.
      if (path.length === 1 && swapped.length === 0) {
        const other = path[0]?.toString() === 'a' ? 'b' : 'a';
        fs.renameSync(`${tree.root}/${other}`, `${tree.root}/${other}.moved`);
        fs.symlinkSync('/', `${tree.root}/${other}`);
        swapped.push(other);
      }
    });
    expect(report.races).toBe(1);
    expect(dirs).not.toContain(`/${swapped[0]}`);
    expect(dirs.some((d) => d.includes('etc') || d.includes('proc'))).toBe(false);
  });
});

describe('walkTree: claims', () => {
  async function claimWalk(lim: WalkLimits, claim: (names: string[]) => boolean[]): Promise<{ report: WalkReport; entered: string[]; batches: string[][] }> {
    const dir = DirHandle.openRoot(tree.root);
    const entered: string[] = [];
    const batches: string[][] = [];
    try {
      const report = await walkTree(dir, '/builds', lim, {
        enter: ({ path }) => {
          entered.push(path.map((p) => p.toString()).join('/'));
          return 'list';
        },
        claim: (_visit, names) => {
          const text = names.map((n) => n.toString());
          batches.push(text);
          return claim(text);
        },
      });
      return { report, entered, batches };
    } finally {
      dir.close();
    }
  }

  it('offers subdirectories in batches, in listing order; claimed ones are neither opened nor listed', async () => {
    tree = new ScratchTree();
    for (let i = 0; i < 600; i++) tree.dir(`p${i}`, 'inside');
    const { entered, batches, report } = await claimWalk(limits(), (names) => names.map((n) => n.startsWith('p') && Number(n.slice(1)) % 2 === 0));
    expect(batches.filter((b) => b[0]?.startsWith('p')).map((b) => b.length)).toEqual([CLAIM_BATCH, CLAIM_BATCH, 600 - 2 * CLAIM_BATCH]);
    // The odd ones were entered and their children offered in turn; the even ones never were.
    expect(entered.filter((e) => /^p\d+$/.test(e))).toHaveLength(300);
    expect(entered.some((e) => /^p\d*[02468]$/.test(e))).toBe(false);
    expect(entered.filter((e) => e.endsWith('/inside'))).toHaveLength(300);
    expect(report.entries).toBe(600 + 300);
  });

  it('offers nothing below the depth limit', async () => {
    tree = new ScratchTree();
    tree.dir('a', 'b', 'c');
    const { batches, report } = await claimWalk(limits({ maxDepth: 1 }), (names) => names.map(() => false));
    expect(batches).toEqual([['a']]);
    expect(report.limits).toEqual(['depth']);
  });

  it('checks its clock between batches: a slow claimer stops the walk at the deadline', async () => {
    tree = new ScratchTree();
    for (let i = 0; i < 4 * CLAIM_BATCH; i++) tree.dir(`p${i}`);
    const { batches, report } = await claimWalk(limits({ deadline: Date.now() + 50 }), (names) => {
      const until = performance.now() + 40;
      while (performance.now() < until);
      return names.map(() => true);
    });
    expect(report.limits).toEqual(['time']);
    expect(batches.length).toBeLessThan(4);
  });
});

describe('openTreeRoot', () => {
  it('refuses a tree whose last component is a symlink, follows none below', async () => {
    tree = new ScratchTree();
    tree.dir('home', 'real').symlink('/', 'home', 'builds');
    expect(openTreeRoot(tree.root, '/home/builds')).toEqual({ problem: 'symlink', detail: 'symlink' });
    expect(openTreeRoot(tree.root, '/home/none')).toEqual({ problem: 'absent', detail: 'not-found' });
    const opened = openTreeRoot(tree.root, '/home/real');
    expect('dir' in opened).toBe(true);
    if ('dir' in opened) opened.dir.close();
  });
});
