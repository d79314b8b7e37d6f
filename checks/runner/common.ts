import type { CheckOutcome, FindingDraft, RunnerRef, Subject } from '../../agent/core/check.js';
import { findingsOrPass } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import type { DockerSection, RunnerConfigFile, RunnerEntry, RunnerFacts } from '../../collectors/runner/types.js';

/** Shared plumbing for runner checks: walking parsed runners and naming them in findings. */

export interface RunnerAt {
  config: RunnerConfigFile;
  runner: RunnerEntry;
}

/** The configs gitlab-runner could parse. */
export function parsedConfigs(facts: RunnerFacts): RunnerConfigFile[] {
  return facts.configs.filter((config) => config.status === 'ok');
}

/** Every [[runners]] entry of every config the runner could load. */
export function allRunners(facts: RunnerFacts): RunnerAt[] {
  return parsedConfigs(facts).flatMap((config) => config.runners.map((runner) => ({ config, runner })));
}

/** The executors whose jobs run in Docker containers configured by [runners.docker]. */
export const DOCKER_EXECUTORS: ReadonlySet<string> = new Set(['docker', 'docker-windows', 'docker+machine', 'docker-autoscaler', 'docker-ssh', 'docker-ssh+machine']);

export function usesDocker(runner: RunnerEntry): boolean {
  return runner.executor !== null && DOCKER_EXECUTORS.has(runner.executor) && runner.docker !== null;
}

/** "runner "name" (fp1:…) in /etc/gitlab-runner/config.toml", the way every finding names its runner. */
export function describeRunner({ config, runner }: RunnerAt): string {
  const name = runner.name === '' ? `#${runner.index + 1}` : `"${runner.name}"`;
  const id = runner.token?.fingerprint ? ` (${runner.token.fingerprint})` : '';
  return `runner ${name}${id} in ${config.path}`;
}

export function runnerRef({ config, runner }: RunnerAt): RunnerRef {
  return { name: runner.name || `#${runner.index + 1}`, id: runner.token?.fingerprint ?? null, configPath: config.path };
}

export function runnerSubject({ config, runner }: RunnerAt): Subject {
  return { kind: 'runner', id: `${config.path}#${runner.token?.fingerprint ?? `runners[${runner.index}]`}`, label: runner.name || `runners[${runner.index}]` };
}

/** A finding about one runner: subject, runner reference and message prefix filled in. */
export function runnerFinding(
  at: RunnerAt,
  details: { message: string; evidence: string; remediation: string; severity?: Severity; key?: string },
): FindingDraft {
  return {
    subject: runnerSubject(at),
    runner: runnerRef(at),
    message: `${describeRunner(at)}: ${details.message}`,
    evidence: details.evidence,
    remediation: details.remediation,
    ...(details.severity ? { severity: details.severity } : {}),
    ...(details.key ? { key: details.key } : {}),
  };
}

/** Not applicable when no runner config could be judged; otherwise the findings (or a pass). */
export function judgeRunners(facts: RunnerFacts, findings: (runners: RunnerAt[]) => FindingDraft[]): CheckOutcome {
  const runners = allRunners(facts);
  if (runners.length === 0) return { status: 'not-applicable', reason: noRunnerReason(facts) };
  return findingsOrPass(findings(runners));
}

/** Not applicable when no runner config could be parsed (a parsed config without [[runners]] still counts); otherwise the findings (or a pass). */
export function judgeConfigs(facts: RunnerFacts, findings: (configs: RunnerConfigFile[]) => FindingDraft[]): CheckOutcome {
  const configs = parsedConfigs(facts);
  if (configs.length === 0) return { status: 'not-applicable', reason: noRunnerReason(facts) };
  return findingsOrPass(findings(configs));
}

/** judgeRunners for checks on [runners.docker]: only runners whose jobs run in Docker, each with its Docker table. */
export function judgeDockerRunners(facts: RunnerFacts, findings: (at: RunnerAt, docker: DockerSection) => FindingDraft[]): CheckOutcome {
  return judgeRunners(facts, (runners) =>
    runners.flatMap((at) => {
      const docker = at.runner.docker;
      return usesDocker(at.runner) && docker ? findings(at, docker) : [];
    }),
  );
}

export function noRunnerReason(facts: RunnerFacts): string {
  const parsed = parsedConfigs(facts).length;
  if (parsed > 0) return 'the runner configs found define no [[runners]]';
  if (facts.configs.length > 0) return 'no runner config could be parsed (see runner-config-unreadable)';
  return `no gitlab-runner config found (${facts.searched.filter((s) => s.purpose === 'config').length} locations searched)`;
}

/** Quoted TOML list, for evidence and remediation text. */
export function tomlList(items: readonly string[]): string {
  return `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;
}

/** Compares dotted versions numerically ("17.10.1" > "17.9.0"); pre-release suffixes are ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[^0-9.]/)[0]?.split('.').map((n) => Number(n) || 0) ?? [];
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The runner version when known, else null: version-aware checks then assume a current runner and say so. */
export function runnerVersion(facts: RunnerFacts): string | null {
  return facts.binary.status === 'ok' ? facts.binary.version : null;
}

/** Capability names as Docker accepts them: case-insensitive, with or without CAP_. */
export function canonicalCap(cap: string): string {
  return cap.trim().toUpperCase().replace(/^CAP_/, '');
}

/** Autoscaled executors configured to throw each VM away after one job: what a job breaks stays with it. */
export function singleUseVm(runner: RunnerEntry): boolean {
  if (runner.executor === 'docker+machine') return runner.machine?.maxBuilds === 1;
  if (runner.executor === 'docker-autoscaler' || runner.executor === 'instance') return runner.autoscaler?.maxUseCount === 1 && (runner.autoscaler.capacityPerInstance ?? 1) <= 1;
  return false;
}
