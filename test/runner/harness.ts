import type { Logger } from 'pino';
import { collectFacts } from '../../agent/core/collect.js';
import type { Facts } from '../../agent/core/facts.js';
import { judge } from '../../agent/core/judge.js';
import type { ScanResult } from '../../agent/core/result.js';
import { defaultConfig, type WardenConfig } from '../../agent/config/schema.js';
import { runnerChecks } from '../../checks/runner/index.js';
import { runnerCollector } from '../../collectors/runner/index.js';
import type { RunnerFacts } from '../../collectors/runner/types.js';
import { silentLog } from '../helpers/fakes.js';
import { SyntheticHost, type FileSpec } from '../helpers/host.js';

export const IS_ROOT = process.getuid?.() === 0;

const PASSWD = ['root:x:0:0:root:/root:/bin/bash', 'gitlab-runner:x:999:999:GitLab Runner:/home/gitlab-runner:/bin/bash', 'u:x:1000:1000::/home/u:/bin/bash', ''].join('\n');
const GROUP = ['root:x:0:', 'gitlab-runner:x:999:', 'u:x:1000:', 'docker:x:998:gitlab-runner', ''].join('\n');

/** A synthetic runner host: identity, accounts, and the files given (config files 0600 in a 0700 dir). */
export function runnerHost(files: Record<string, string | Buffer | FileSpec> = {}): SyntheticHost {
  const host = new SyntheticHost('rw-runner-').withIdentity();
  host.write('/etc/passwd', PASSWD).write('/etc/group', GROUP);
  for (const [hostPath, spec] of Object.entries(files)) {
    const file: FileSpec = typeof spec === 'string' || Buffer.isBuffer(spec) ? { content: spec, mode: 0o600 } : spec;
    host.write(hostPath, file);
  }
  if (files['/etc/gitlab-runner/config.toml'] !== undefined) host.mkdir('/etc/gitlab-runner', 0o700);
  return host;
}

export function wardenConfig(overrides: { configPaths?: string[] } = {}): WardenConfig {
  const config = defaultConfig();
  return { ...config, runner: { ...config.runner, config_paths: overrides.configPaths ?? [] } };
}

export interface RunnerScan {
  facts: Facts;
  runner: RunnerFacts;
  result: ScanResult;
}

/** Collects runner facts under the host root and judges them with the runner checks. */
export async function scanRunner(host: SyntheticHost, options: { config?: WardenConfig; log?: Logger } = {}): Promise<RunnerScan> {
  const facts = await collectFacts({ root: host.root, config: options.config ?? wardenConfig(), collectors: [runnerCollector], log: options.log ?? silentLog });
  const runner = facts.domains.runner;
  if (!runner) throw new Error(`runner collector failed: ${JSON.stringify(facts.collectors)}`);
  return { facts, runner, result: judge(facts, runnerChecks, []) };
}

/** Sorted ids of the checks that produced findings. */
export function failingChecks(result: ScanResult): string[] {
  return [...new Set(result.findings.map((finding) => finding.checkId))].sort();
}
