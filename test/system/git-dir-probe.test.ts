import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFileAccess } from '../../agent/lib/dir-syscalls.js';
import { DirHandle } from '../../agent/lib/safe-fs.js';
import { GIT_CONFIG_READ_BYTES, probeChildren, type GitDirProbe } from '../../collectors/system/git-dir-probe.js';
import { FILE_ACCESS_MODES } from '../helpers/file-access.js';
import { ScratchTree } from '../lib/tree.js';

/**
 * The working-copy probe has two implementations (portable through DirHandle, native in one
 * call per batch). One table of working-copy shapes, the expected probe of each, and both
 * implementations held to it.
 */

const CONFIG = '[remote "origin"]\n\turl = https://example.invalid/g/p.git\n';

type Case = [name: string, build: (tree: ScratchTree, name: string) => void, expected: Partial<GitDirProbe> | null];

const cases: Case[] = [
  ['plain', (t, n) => t.file(CONFIG, n, '.git', 'config').dir(n, '.git', 'modules', 'lib').file('0123456789', n, '.git', 'index'), { gitType: 'dir', gitOpenProblem: null, config: { state: 'read', text: CONFIG, size: CONFIG.length, truncated: false }, submodules: true, indexBytes: 10 }],
  ['no-git', (t, n) => t.file('x', n, 'README.md'), null],
  ['name-is-a-file', (t, n) => t.file('x', n), null],
  ['name-is-a-symlink', (t, n) => t.dir('target', '.git').symlink('target', n), null],
  ['git-fifo', (t, n) => t.dir(n).fifo(n, '.git'), null],
  ['git-file', (t, n) => t.file('gitdir: /elsewhere\n', n, '.git'), { gitType: 'file', config: { state: 'absent' }, submodules: false, indexBytes: 0 }],
  ['git-symlink', (t, n) => t.dir(n).symlink('/etc', n, '.git'), { gitType: 'symlink', config: { state: 'absent' } }],
  ['no-config', (t, n) => t.dir(n, '.git'), { gitType: 'dir', config: { state: 'absent' }, submodules: false, indexBytes: 0 }],
  ['config-symlink', (t, n) => t.dir(n, '.git').symlink('/etc/shadow', n, '.git', 'config'), { config: { state: 'not-opened', type: 'symlink' } }],
  ['config-fifo', (t, n) => t.dir(n, '.git').fifo(n, '.git', 'config'), { config: { state: 'not-opened', type: 'fifo' } }],
  ['config-dir', (t, n) => t.dir(n, '.git', 'config'), { config: { state: 'not-opened', type: 'dir' } }],
  ['config-empty', (t, n) => t.file('', n, '.git', 'config'), { config: { state: 'read', text: '', size: 0, truncated: false } }],
  ['config-big', (t, n) => t.file('#'.repeat(GIT_CONFIG_READ_BYTES + 5), n, '.git', 'config'), { config: { state: 'read', text: '#'.repeat(GIT_CONFIG_READ_BYTES), size: GIT_CONFIG_READ_BYTES + 5, truncated: true } }],
  ['modules-file', (t, n) => t.file('', n, '.git', 'modules'), { submodules: false }],
  ['index-dir', (t, n) => t.dir(n, '.git', 'index'), { indexBytes: 0 }],
  ['index-symlink', (t, n) => t.dir(n, '.git').symlink('/etc/passwd', n, '.git', 'index'), { indexBytes: 0 }],
];

describe('working-copy probe', () => {
  let tree: ScratchTree;
  const results = new Map<string, (GitDirProbe | null)[]>();

  beforeAll(() => {
    tree = new ScratchTree();
    for (const [name, build] of cases) build(tree, name);
    const names = cases.map(([name]) => Buffer.from(name));
    for (const mode of FILE_ACCESS_MODES) {
      useFileAccess(mode);
      const dir = DirHandle.openRoot(tree.root);
      try {
        results.set(mode, probeChildren(dir, names));
      } finally {
        dir.close();
      }
    }
    useFileAccess('auto');
  });
  afterAll(() => tree.cleanup());

  it.each(cases.map(([name, , expected], index) => [name, index, expected] as const))('%s', (_name, index, expected) => {
    for (const mode of FILE_ACCESS_MODES) {
      const probe = results.get(mode)?.[index];
      if (expected === null) expect(probe, mode).toBeNull();
      else expect(probe, mode).toMatchObject(expected);
    }
    // Same answer, field for field, whichever way the files were reached.
    expect(results.get('native')?.[index]).toEqual(results.get('portable')?.[index]);
  });

  it('without openat2 (a kernel before 5.6, or a seccomp filter): the step-by-step path, the same answers', () => {
    // strace makes the kernel refuse openat2 in a child that probes the same table natively.
    const log = `${tree.root}.strace`;
    const script = `
      import { useFileAccess } from '${process.cwd()}/dist/agent/lib/dir-syscalls.js';
      import { DirHandle } from '${process.cwd()}/dist/agent/lib/safe-fs.js';
      import { probeChildren } from '${process.cwd()}/dist/collectors/system/git-dir-probe.js';
      useFileAccess('native');
      const dir = DirHandle.openRoot(process.argv[1]);
      console.log(JSON.stringify(probeChildren(dir, JSON.parse(process.argv[2]).map((n) => Buffer.from(n)))));`;
    const names = JSON.stringify(cases.map(([name]) => name));
    try {
      const output = execFileSync('strace', ['-f', '-qq', '-o', log, '-e', 'trace=openat2', '-e', 'inject=openat2:error=ENOSYS', process.execPath, '--input-type=module', '-e', script, tree.root, names], { encoding: 'utf8', timeout: 30_000 });
      expect(JSON.parse(output)).toEqual(JSON.parse(JSON.stringify(results.get('portable'))));
      // Refused once, never asked again.
      expect(fs.readFileSync(log, 'utf8').match(/openat2\(/g)).toHaveLength(1);
    } finally {
      fs.rmSync(log, { force: true });
    }
  });

  it.runIf(process.getuid?.() === 0)('an unreadable .git: the same problem either way (as a user who cannot read it)', () => {
    const local = new ScratchTree();
    try {
      local.file(CONFIG, 'p', '.git', 'config');
      fs.chmodSync(local.root, 0o755);
      fs.chmodSync(`${local.root}/p`, 0o755);
      fs.chmodSync(`${local.root}/p/.git`, 0o000);
      const script = `
        import { useFileAccess } from '${process.cwd()}/dist/agent/lib/dir-syscalls.js';
        import { DirHandle } from '${process.cwd()}/dist/agent/lib/safe-fs.js';
        import { probeChildren } from '${process.cwd()}/dist/collectors/system/git-dir-probe.js';
        const out = {};
        for (const mode of ['native', 'portable']) {
          useFileAccess(mode);
          const dir = DirHandle.openRoot(process.argv[1]);
          out[mode] = probeChildren(dir, [Buffer.from('p')])[0];
          dir.close();
        }
        console.log(JSON.stringify(out));`;
      // Root reads past modes, so the probe runs in a child as nobody, from the compiled code (npm test builds dist/ first).
      const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, local.root], { uid: 65534, gid: 65534, encoding: 'utf8', timeout: 20_000 });
      const probes = JSON.parse(output) as Record<string, GitDirProbe>;
      expect(probes.native).toMatchObject({ gitType: 'dir', gitOpenProblem: 'denied', config: { state: 'absent' } });
      expect(probes.native).toEqual(probes.portable);
    } finally {
      local.cleanup();
    }
  });
});
