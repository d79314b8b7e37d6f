import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { judge } from '../../agent/core/judge.js';
import { systemChecks } from '../../checks/system/index.js';
import type { SyntheticHost } from '../helpers/host.js';
import { scratchBase } from '../lib/tree.js';
import { factsOf } from './facts.js';
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

  // Benchmark, not a test: BENCH=1 npx vitest run test/system/builds-scale.test.ts
  it.runIf(process.env.BENCH === '1')('benchmark: 20,000 working copies', async () => {
    host = runnerHost({ base: scratchBase() });
    layout(host, 20_000, 5);
    const runner = runnerFacts([runnerEntry()]);
    const collectStart = performance.now();
    const cpuStart = process.cpuUsage();
    const system = await collect(host.root, { runner }, undefined, 60_000);
    const collectMs = performance.now() - collectStart;
    const cpu = process.cpuUsage(cpuStart);
    const judgeStart = performance.now();
    const result = judge(factsOf(system), systemChecks, []);
    const judgeMs = performance.now() - judgeStart;
    const builds = system.buildDirs.find((d) => d.path === BUILDS);
    // Yardstick on the same tree and the same machine load: find(1) locating the same .git dirs, reading nothing.
    const findStart = performance.now();
    execFileSync('find', [host.path(BUILDS), '-name', '.git', '-prune'], { maxBuffer: 64 * 1024 * 1024 });
    const findMs = Math.round(performance.now() - findStart);
    const factsBytes = JSON.stringify(system).length;
    console.log(JSON.stringify({ workingCopies: builds?.workingCopyCount, entries: builds?.walk.entries, collectMs: Math.round(collectMs), collectCpuMs: Math.round((cpu.user + cpu.system) / 1000), judgeMs: Math.round(judgeMs * 10) / 10, factsBytes, findings: result.findings.length, findMs }));
    expect(builds?.workingCopyCount).toBe(20_000);
  }, 600_000);
});
