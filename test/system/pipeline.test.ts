import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../agent/config/schema.js';
import { defineCollector, type Collector } from '../../agent/core/collector.js';
import { collectFacts } from '../../agent/core/collect.js';
import { judge } from '../../agent/core/judge.js';
import { systemChecks } from '../../checks/system/index.js';
import { systemCollector } from '../../collectors/system/index.js';
import type { RunnerFacts } from '../../collectors/runner/types.js';
import type { SyntheticHost } from '../helpers/host.js';
import { runnerEntry, runnerFacts, runnerHost, writeAsJob } from './harness.js';

function runnerCollectorReturning(facts: RunnerFacts | null): Collector {
  return defineCollector({
    name: 'runner-config',
    provides: 'runner',
    after: [],
    timeoutMs: 1_000,
    collect: async () => {
      if (facts === null) throw new Error('runner discovery failed');
      return facts;
    },
    validate: () => null,
  }) as Collector;
}

let host: SyntheticHost;
afterEach(() => host?.cleanup());

function messyShellHost(): SyntheticHost {
  const h = runnerHost({ dockerMembers: 'gitlab-runner' });
  h.write('/etc/sudoers', 'root ALL=(ALL) ALL\ngitlab-runner ALL=(ALL) NOPASSWD: ALL\n');
  const keyDir = fs.mkdtempSync(`${h.root}/gen-`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', `${keyDir}/k`]);
  writeAsJob(h, '/home/gitlab-runner/.ssh/id_ed25519', fs.readFileSync(`${keyDir}/k`), 0o600);
  writeAsJob(h, '/home/gitlab-runner/.docker/config.json', JSON.stringify({ auths: { 'registry.example.com': { auth: 'c2VjcmV0OnNlY3JldA==' } } }), 0o600);
  writeAsJob(h, '/home/gitlab-runner/.gitconfig', '[credential]\n\thelper = store\n');
  for (const project of ['a', 'b']) {
    writeAsJob(h, `/home/gitlab-runner/builds/abcdef123/0/group/${project}/.git/config`, `[remote "origin"]\n\turl = https://deploy:glpat-SECRETSECRETSECRET1@gitlab.example.com/group/${project}.git\n`);
  }
  return h;
}

describe('system collector and checks in the engine', () => {
  it('a messy shell-runner host: facts survive JSON, every expected check fails, no secret leaks', async () => {
    host = messyShellHost();
    const facts = await collectFacts({ root: host.root, config: defaultConfig(), collectors: [runnerCollectorReturning(runnerFacts([runnerEntry()])), systemCollector], log: pino({ level: 'silent' }) });
    expect(facts.collectors.map((c) => [c.name, c.status])).toEqual([
      ['runner-config', 'ok'],
      ['system', 'ok'],
    ]);
    const result = judge(facts, systemChecks, []);
    const failed = result.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    expect(failed).toEqual([
      'git-config-dangerous',
      'job-home-credentials',
      'job-user-docker-group',
      'job-user-sudo',
      'leftover-build-credentials',
      'persistent-working-copies',
      'shell-startup-files-writable',
      'ssh-private-key-readable',
    ]);
    expect(result.findings.find((f) => f.checkId === 'job-user-docker-group')?.severity).toBe('critical');
    const output = JSON.stringify({ facts, result });
    for (const secret of ['glpat-SECRETSECRETSECRET1', 'c2VjcmV0OnNlY3JldA==']) expect(output).not.toContain(secret);
  });

  it('when runner discovery fails, the system facts still come, judged against the default job user', async () => {
    host = runnerHost({ dockerMembers: 'gitlab-runner' });
    const facts = await collectFacts({ root: host.root, config: defaultConfig(), collectors: [runnerCollectorReturning(null), systemCollector], log: pino({ level: 'silent' }) });
    expect(facts.domains.system?.jobUsers.map((u) => [u.name, u.source])).toEqual([['gitlab-runner', 'default']]);
    const result = judge(facts, systemChecks, []);
    expect(result.findings.map((f) => [f.checkId, f.severity])).toEqual([['job-user-docker-group', 'high']]);
  });
});
