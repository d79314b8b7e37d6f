import fs from 'node:fs';
import pino from 'pino';
import type { DomainFacts } from '../../agent/core/facts.js';
import { defaultConfig, type WardenConfig } from '../../agent/config/schema.js';
import { collectSystem } from '../../collectors/system/index.js';
import type { RunnerEntry, RunnerFacts } from '../../collectors/runner/types.js';
import type { SystemFacts } from '../../collectors/system/types.js';
import { SyntheticHost } from '../helpers/host.js';
import { blankRunnerEntry, oneConfigRunnerFacts } from '../helpers/runner-facts.js';

export const JOB_UID = 999;
export const DOCKER_GID = 998;

/** A runner host as the package leaves it: root, gitlab-runner (999) with its home, a docker group. */
export function runnerHost(options: { dockerMembers?: string; extraPasswd?: string; extraGroup?: string; base?: string } = {}): SyntheticHost {
  const saved = process.env.TMPDIR;
  // SyntheticHost makes its root under os.tmpdir(), which follows TMPDIR.
  if (options.base) process.env.TMPDIR = options.base;
  const host = new SyntheticHost('rw-system-');
  if (options.base) process.env.TMPDIR = saved ?? '';
  if (saved === undefined && options.base) delete process.env.TMPDIR;
  // mkdtemp makes the root 0700: a real / lets everyone through.
  fs.chmodSync(host.root, 0o755);
  host
    .withIdentity()
    .write('/etc/passwd', `root:x:0:0:root:/root:/bin/bash\ngitlab-runner:x:${JOB_UID}:${JOB_UID}:GitLab Runner:/home/gitlab-runner:/bin/bash\n${options.extraPasswd ?? ''}`)
    .write('/etc/group', `root:x:0:\ngitlab-runner:x:${JOB_UID}:\ndocker:x:${DOCKER_GID}:${options.dockerMembers ?? ''}\n${options.extraGroup ?? ''}`)
    .mkdir('/root', 0o700)
    .mkdir('/home', 0o755)
    .mkdir('/home/gitlab-runner', 0o755);
  fs.chownSync(host.path('/home/gitlab-runner'), JOB_UID, JOB_UID);
  return host;
}

/** Writes a file owned by the job user. */
export function writeAsJob(host: SyntheticHost, hostPath: string, content: string | Buffer, mode = 0o644): void {
  host.write(hostPath, { content, mode, uid: JOB_UID, gid: JOB_UID });
}

/** A minimal runner entry with the fields system facts read. */
export function runnerEntry(overrides: Partial<RunnerEntry> = {}): RunnerEntry {
  return blankRunnerEntry({
    name: 'shell-runner',
    executor: 'shell',
    effectiveBuildsDir: '/home/gitlab-runner/builds',
    effectiveCacheDir: '/home/gitlab-runner/cache',
    ...overrides,
  });
}

/** Runner facts with one config, launched with `--user <jobUser>` (null: no --user). */
export function runnerFacts(entries: RunnerEntry[], jobUser: string | null = 'gitlab-runner', processUser = 'root'): RunnerFacts {
  return oneConfigRunnerFacts(entries, {
    execution: {
      source: 'systemd-unit',
      jobUser,
      effectiveJobUser: jobUser ?? processUser,
      effectiveJobUserGids: [],
      runnerRunsAsRoot: processUser === 'root',
      jobsRunAsRoot: (jobUser ?? processUser) === 'root',
      workingDirectory: '/home/gitlab-runner',
    },
    concurrent: 1,
  });
}

export async function collect(root: string, earlier: Partial<DomainFacts> = {}, config: WardenConfig = defaultConfig(), budgetMs = 20_000): Promise<SystemFacts> {
  return collectSystem({ root, config, deadline: Date.now() + budgetMs, signal: new AbortController().signal, log: pino({ level: 'silent' }), earlier });
}

export function configWith(system: Partial<WardenConfig['system']>): WardenConfig {
  const config = defaultConfig();
  return { ...config, system: { ...config.system, ...system } };
}
