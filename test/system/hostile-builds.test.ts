import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SystemFacts } from '../../collectors/system/types.js';
import type { SyntheticHost } from '../helpers/host.js';
import { FILE_ACCESS_MODES, withFileAccess } from '../helpers/file-access.js';
import { opensOutside, traceOpens } from '../helpers/trace-opens.js';
import { scratchBase } from '../lib/tree.js';
import { collect, configWith, runnerHost } from './harness.js';

/**
 * A builds tree written by hostile jobs. The oracles: the scan ends within its budget, says
 * where it was cut, opens nothing outside the host root, prints no control character, and
 * keeps no secret.
 */

const BUILDS = '/home/gitlab-runner/builds';
const CANARY_SECRET = 'glpat-CANARYCANARYCANARY42';

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) strings(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) strings(item, out);
  return out;
}

function gitConfig(url: string): string {
  return `[core]\n\tbare = false\n[remote "origin"]\n\turl = ${url}\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n`;
}

function project(host: SyntheticHost, parts: (string | Buffer)[], config: string | null): void {
  const dir = Buffer.concat([Buffer.from(host.path(BUILDS)), ...parts.flatMap((p) => [Buffer.from('/'), typeof p === 'string' ? Buffer.from(p) : p])]);
  fs.mkdirSync(Buffer.concat([dir, Buffer.from('/.git')]) as unknown as string, { recursive: true });
  if (config !== null) fs.writeFileSync(Buffer.concat([dir, Buffer.from('/.git/config')]) as unknown as string, config);
}

describe.each(FILE_ACCESS_MODES)('hostile builds tree (%s file access)', (mode) => {
  withFileAccess(mode);
  let host: SyntheticHost;
  let canary: string;
  let facts: SystemFacts;
  let opened: string[];
  let elapsedMs: number;

  beforeAll(async () => {
    host = runnerHost({ base: scratchBase() });
    canary = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-canary-'));
    fs.mkdirSync(`${canary}/.git/modules`, { recursive: true });
    fs.writeFileSync(`${canary}/.git/config`, gitConfig(`https://oauth2:${CANARY_SECRET}@canary.invalid/x.git`));
    const b = (...p: string[]) => host.path(path.posix.join(BUILDS, ...p));

    project(host, ['s', '0', 'group', 'app'], gitConfig('https://gitlab-ci-token:glcbt-64_JOBTOKENJOBTOKEN@gitlab.example.com/group/app.git'));
    fs.mkdirSync(b('s/0/group/app/.git/modules/lib'), { recursive: true });
    // .git/config a symlink to /etc/shadow; .git a symlink to a directory outside the root.
    project(host, ['s', '0', 'group', 'shadow'], null);
    fs.symlinkSync('/etc/shadow', b('s/0/group/shadow/.git/config'));
    fs.mkdirSync(b('s/0/group/outside'), { recursive: true });
    fs.symlinkSync(canary, b('s/0/group/outside/.git'));
    // A project dir that is a symlink to /, and an intermediate component that is one too.
    fs.symlinkSync('/', b('s/0/group/rootlink'));
    fs.symlinkSync(canary, b('s/0/group/canarylink'));
    fs.symlinkSync('/', b('s/1'));
    // Symlink loops.
    fs.mkdirSync(b('loops'), { recursive: true });
    fs.symlinkSync('b', b('loops/a'));
    fs.symlinkSync('a', b('loops/b'));
    fs.symlinkSync('.', b('loops/self'));
    fs.symlinkSync('..', b('loops/up'));
    // FIFOs named config (more than libuv's thread pool), and FIFOs loose in the tree.
    for (let i = 0; i < 8; i++) {
      project(host, ['s', '0', 'fifo', `p${i}`], null);
      execFileSync('mkfifo', [b(`s/0/fifo/p${i}/.git/config`)]);
      execFileSync('mkfifo', [b(`s/0/fifo/loose${i}`)]);
    }
    // A 10 GB sparse .git/config.
    project(host, ['s', '0', 'group', 'huge'], null);
    fs.writeFileSync(b('s/0/group/huge/.git/config'), gitConfig('https://gitlab.example.com/group/huge.git'));
    fs.truncateSync(b('s/0/group/huge/.git/config'), 10 * 2 ** 30);
    // Depth 5,000.
    fs.mkdirSync(b('deep'), { recursive: true });
    let fd = fs.openSync(b('deep'), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    for (let i = 0; i < 5_000; i++) {
      fs.mkdirSync(`/proc/self/fd/${fd}/d`);
      const next = fs.openSync(`/proc/self/fd/${fd}/d`, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      fs.closeSync(fd);
      fd = next;
    }
    fs.closeSync(fd);
    // Names with a newline and ANSI escapes, and two invalid UTF-8 names that decode alike.
    project(host, ['s', '0', 'names', 'evil\nINFO forged log line\u001b[2J\u001b]0;title\u0007\u202e'], gitConfig('https://gitlab.example.com/x/y.git'));
    project(host, ['s', '0', 'names', Buffer.from([0x66, 0xfe, 0x6f])], gitConfig('https://gitlab.example.com/x/fe.git'));
    project(host, ['s', '0', 'names', Buffer.from([0x66, 0xff, 0x6f])], gitConfig('https://gitlab.example.com/x/ff.git'));

    const started = performance.now();
    const traced = await traceOpens(() => collect(host.root, {}, configWith({}), 20_000));
    elapsedMs = performance.now() - started;
    facts = traced.result;
    opened = traced.opened;
  }, 120_000);

  afterAll(() => {
    execFileSync('rm', ['-rf', '--', host.root, canary]);
  });

  const builds = () => facts.buildDirs.find((d) => d.path === BUILDS);

  it('finishes well within its budget and says where the walk was cut', () => {
    expect(elapsedMs).toBeLessThan(10_000);
    expect(builds()?.walk.limits).toEqual(['depth']);
    expect(builds()?.walk.truncatedAt).toEqual([`${BUILDS}/deep/d/d/d/d/d/d/d`]);
  });

  it('opens nothing outside the host root', () => {
    // The tree was read (through the kernel's eyes), and nothing beyond it.
    expect(opened.filter((p) => p.endsWith('/group/app/.git/config'))).toHaveLength(1);
    expect(opensOutside(opened, host.root)).toEqual([]);
  });

  it('never follows a symlink: counted, not entered; the canary and /etc/shadow are never read', () => {
    expect(builds()?.walk.symlinks).toBe(7);
    const json = JSON.stringify(facts);
    expect(json).not.toContain('canary.invalid');
    expect(json).not.toContain('CANARY');
    const shadow = builds()?.workingCopies.find((c) => c.path.endsWith('/shadow'));
    expect(shadow?.configProblem).toBe('.git/config is a symlink: not opened');
    const outside = builds()?.workingCopies.find((c) => c.path.endsWith('/outside'));
    expect(outside).toMatchObject({ configProblem: '.git is a symlink: not followed', remotes: [], submodules: false });
  });

  it('never opens a FIFO named config, and counts loose ones', () => {
    const fifos = builds()?.workingCopies.filter((c) => c.path.includes('/fifo/p')) ?? [];
    expect(fifos).toHaveLength(8);
    for (const copy of fifos) expect(copy.configProblem).toBe('.git/config is a fifo: not opened');
    expect(opened.filter((p) => /\/fifo\/p\d\/\.git\/config$/.test(p))).toEqual([]);
    expect(builds()?.walk.specialFiles).toBe(8);
  });

  it('reads only the start of a 10 GB .git/config, and says so', () => {
    const huge = builds()?.workingCopies.find((c) => c.path.endsWith('/huge'));
    expect(huge?.configProblem).toBe(`.git/config is ${10 * 2 ** 30} bytes: only the first 8192 were read`);
    expect(huge?.remotes).toEqual(['https://gitlab.example.com/group/huge.git']);
  });

  it('still judges the honest project: credentials fingerprinted, submodules seen', () => {
    const app = builds()?.workingCopies.find((c) => c.path.endsWith('/group/app'));
    expect(app).toMatchObject({ project: 'group/app', remotes: ['https://***@gitlab.example.com/group/app.git'], submodules: true });
    expect(app?.credentials).toEqual([{ kind: 'job-token', fingerprint: expect.stringMatching(/^fp1:[0-9a-f]{16}$/) }]);
    expect(JSON.stringify(facts)).not.toContain('JOBTOKENJOBTOKEN');
  });

  it('keeps hostile names distinct and prints no control character', () => {
    const names = builds()?.workingCopies.filter((c) => c.path.includes('/names/')) ?? [];
    expect(names).toHaveLength(3);
    expect(new Set(names.map((n) => n.pathB64)).size).toBe(3);
    expect(new Set(names.map((n) => n.project)).size).toBe(3);
    for (const text of strings(facts)) expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });

  it('counts every working copy and distinct project', () => {
    expect(builds()).toMatchObject({ workingCopyCount: 15, distinctProjects: 15, withCredentials: 1, withSubmodules: 1 });
  });
});

describe.runIf(process.getuid?.() === 0).each(FILE_ACCESS_MODES)('hostile device nodes (root only: mknod; %s file access)', (mode) => {
  withFileAccess(mode);
  let host: SyntheticHost;
  afterEach(() => execFileSync('rm', ['-rf', '--', host.root]));

  it('a /dev/zero named .git/config or id_ed25519 is never opened', async () => {
    host = runnerHost({ base: scratchBase() });
    project(host, ['s', '0', 'g', 'dev'], null);
    execFileSync('mknod', [host.path(`${BUILDS}/s/0/g/dev/.git/config`), 'c', '1', '5']);
    fs.mkdirSync(host.path('/home/gitlab-runner/.ssh'));
    execFileSync('mknod', [host.path('/home/gitlab-runner/.ssh/id_ed25519'), 'c', '1', '5']);
    execFileSync('mknod', [host.path('/home/gitlab-runner/.gitconfig'), 'c', '1', '5']);
    const { result: facts, opened } = await traceOpens(() => collect(host.root, {}, configWith({}), 10_000));
    const dev = facts.buildDirs.find((d) => d.path === BUILDS)?.workingCopies.find((c) => c.path.endsWith('/dev'));
    expect(dev?.configProblem).toBe('.git/config is a char: not opened');
    expect(facts.ssh.privateKeys).toEqual([]);
    expect(opened.filter((p) => p.endsWith('/g/dev/.git/config') || p.endsWith('id_ed25519') || p.endsWith('.gitconfig'))).toEqual([]);
    expect(opened.filter((p) => p.endsWith('/g/dev/.git'))).toHaveLength(1);
  });
});

describe.each(FILE_ACCESS_MODES)('hostile builds tree: more than the time budget allows (%s file access)', (mode) => {
  withFileAccess(mode);
  let host: SyntheticHost;
  afterEach(() => execFileSync('rm', ['-rf', '--', host.root]));

  it('a collector budget shorter than the walk: the walk stops in time and says so', async () => {
    host = runnerHost({ base: scratchBase() });
    execFileSync('python3', ['-c', 'import os, sys\nfor i in range(3000): os.makedirs(f"{sys.argv[1]}/s/0/g{i // 100}/p{i}/.git")', host.path(BUILDS)]);
    const budgetMs = 1_010;
    const started = performance.now();
    // The walk's own deadline is the collector's minus a 1 s margin: about 10 ms here, less
    // than 3,000 working copies take with either file access.
    const facts = await collect(host.root, {}, configWith({}), budgetMs);
    const elapsed = performance.now() - started;
    const builds = facts.buildDirs.find((d) => d.path === BUILDS);
    expect(elapsed).toBeLessThan(budgetMs);
    expect(builds?.walk.limits).toEqual(['time']);
    expect(builds?.workingCopyCount).toBeLessThan(3000);
  }, 120_000);
});

describe('hostile builds tree: 200,000 entries in one directory', () => {
  let host: SyntheticHost;
  afterEach(() => execFileSync('rm', ['-rf', '--', host.root]));

  it('stops at max_walk_entries within its budget and says where', async () => {
    host = runnerHost({ base: scratchBase() });
    const many = host.path(`${BUILDS}/junk`);
    fs.mkdirSync(many, { recursive: true });
    execFileSync('python3', ['-c', 'import os, sys\nfor i in range(200000): os.close(os.open(f"{sys.argv[1]}/{i}", os.O_CREAT | os.O_WRONLY))', many]);
    const started = performance.now();
    const facts = await collect(host.root, {}, configWith({}), 20_000);
    const elapsed = performance.now() - started;
    const walk = facts.buildDirs.find((d) => d.path === BUILDS)?.walk;
    expect(elapsed).toBeLessThan(10_000);
    expect(walk?.limits).toEqual(['entries']);
    expect(walk?.truncatedAt).toEqual([`${BUILDS}/junk`]);
    expect(walk?.entries).toBe(200_000);
  }, 120_000);
});

describe.each(FILE_ACCESS_MODES)('hostile builds tree: directories swapped for symlinks while the walk runs (%s file access)', (mode) => {
  withFileAccess(mode);
  let host: SyntheticHost;
  afterEach(() => execFileSync('rm', ['-rf', '--', host.root]));

  it('a concurrent process swapping a directory for a symlink to / never leads the walk out of the root', async () => {
    host = runnerHost({ base: scratchBase() });
    for (let i = 0; i < 20; i++) project(host, ['s', '0', 'g', `p${i}`], gitConfig('https://gitlab.example.com/g/p.git'));
    const swapper = spawn('python3', [
      '-c',
      'import os, sys\nd = sys.argv[1]\nprint("swapping", flush=True)\nwhile True:\n  os.rename(d, d + ".x"); os.symlink("/", d); os.unlink(d); os.rename(d + ".x", d)',
      host.path(`${BUILDS}/s/0/g`),
    ]);
    let swapsSeen = 0;
    try {
      // The scans are quick: start them only once the swapping has begun.
      await new Promise((resolve) => swapper.stdout.once('data', resolve));
      const { opened } = await traceOpens(async () => {
        for (let run = 0; run < 30; run++) {
          const facts = await collect(host.root, {}, configWith({}), 5_000);
          const walk = facts.buildDirs.find((d) => d.path === BUILDS);
          expect(walk?.workingCopyCount ?? 0).toBeLessThanOrEqual(20);
          // The swap shows up as a symlink at listing time, a race at open time, or a vanished directory.
          if ((walk?.walk.symlinks ?? 0) + (walk?.walk.races ?? 0) > 0 || (walk?.workingCopyCount ?? 0) < 20) swapsSeen++;
        }
      });
      expect(opened.filter((p) => p.includes('/s/0/g'))).not.toEqual([]);
      expect(opensOutside(opened, host.root)).toEqual([]);
    } finally {
      swapper.kill('SIGKILL');
    }
    expect(swapsSeen).toBeGreaterThan(0);
  }, 120_000);
});
