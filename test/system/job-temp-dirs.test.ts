import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FILE_ACCESS_MODES, withFileAccess } from '../helpers/file-access.js';
import type { SyntheticHost } from '../helpers/host.js';
import { opensOutside, traceOpens } from '../helpers/trace-opens.js';
import { collect, runnerHost, writeAsJob } from './harness.js';

/** `<project>.tmp`: what killed jobs leave in the runner's per-job temporary dir, by name only. */

const BUILDS = '/home/gitlab-runner/builds';
const SECRET = 'apiVersion: v1\nclusters: [] # CANARY-KUBECONFIG-CONTENT\n';

let host: SyntheticHost;
afterEach(() => host?.cleanup());

describe.each(FILE_ACCESS_MODES)('job temp dirs (%s file access)', (mode) => {
  withFileAccess(mode);

  it('counts those that hold files, names the files, reads none of them, walks none', async () => {
    host = runnerHost();
    writeAsJob(host, `${BUILDS}/t0k/0/g/app/.git/config`, '[core]\n\tbare = false\n');
    writeAsJob(host, `${BUILDS}/t0k/0/g/app.tmp/KUBECONFIG`, SECRET);
    writeAsJob(host, `${BUILDS}/t0k/0/g/app.tmp/CI_SERVER_TLS_CA_FILE`, '-----BEGIN CERTIFICATE-----\n');
    // Deep inside a temp dir: the walk must not go there (it would count the entries).
    writeAsJob(host, `${BUILDS}/t0k/0/g/app.tmp/git-template/config`, '[x]\n');
    execFileSync('mkfifo', [host.path(`${BUILDS}/t0k/0/g/app.tmp/pipe`)]);
    host.mkdir(`${BUILDS}/t0k/0/g/empty.tmp`);
    // A .tmp that is a symlink out of the root: counted as a symlink by the walk, never followed.
    fs.symlinkSync('/etc', host.path(`${BUILDS}/t0k/0/g/link.tmp`));
    const { result: facts, opened } = await traceOpens(() => collect(host.root));
    const builds = facts.buildDirs.find((d) => d.path === BUILDS);
    expect(builds).toMatchObject({ workingCopyCount: 1, jobTempDirCount: 1 });
    expect(builds?.jobTempDirs).toEqual([{ path: `${BUILDS}/t0k/0/g/app.tmp`, project: 'g/app', fileCount: 2, files: ['CI_SERVER_TLS_CA_FILE', 'KUBECONFIG'], mtimeMs: expect.any(Number) }]);
    expect(builds?.walk.symlinks).toBe(1);
    expect(opened.filter((p) => p.includes('.tmp/'))).toEqual([]);
    expect(opensOutside(opened, host.root)).toEqual([]);
    expect(JSON.stringify(facts)).not.toContain('CANARY');
  });
});
