import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyntheticHost } from '../helpers/host.js';
import { scratchBase } from '../lib/tree.js';
import { collect, runnerEntry, runnerFacts, runnerHost } from './harness.js';

const BUILDS = '/home/gitlab-runner/builds';

/** Lays out `projects` shell-executor working copies (builds/<short>/<n>/<ns>/<project>) with `files` files each. */
function layout(host: SyntheticHost, projects: number, files: number): void {
  const script = `
import os, sys
root, projects, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
config = b'[remote "origin"]\\n\\turl = https://gitlab-ci-token:glcbt-64_x@gitlab.example.com/g/p.git\\n'
for i in range(projects):
    d = f"{root}/abcdef123/{i % 4}/group{i // 100}/project{i}"
    os.makedirs(d + "/.git")
    with open(d + "/.git/config", "wb") as f: f.write(config)
    with open(d + "/.git/index", "wb") as f: f.write(b"DIRC")
    for j in range(files): os.close(os.open(f"{d}/file{j}", os.O_CREAT | os.O_WRONLY))
`;
  execFileSync('python3', ['-c', script, host.path(BUILDS), String(projects), String(files)]);
}

let host: SyntheticHost;
afterEach(() => execFileSync('rm', ['-rf', '--', host.root]));

describe('builds dir scan cost', () => {
  it('grows with the number of projects, not with the files inside them', async () => {
    const entries: number[] = [];
    for (const files of [0, 50]) {
      host = runnerHost({ base: scratchBase() });
      layout(host, 200, files);
      const facts = await collect(host.root);
      const builds = facts.buildDirs.find((d) => d.path === BUILDS);
      expect(builds).toMatchObject({ workingCopyCount: 200, distinctProjects: 200, withCredentials: 200 });
      entries.push(builds?.walk.entries ?? -1);
      execFileSync('rm', ['-rf', '--', host.root]);
    }
    expect(entries[0]).toBe(entries[1]);
    host = runnerHost({ base: scratchBase() });
  }, 120_000);
});
