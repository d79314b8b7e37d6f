import { defineCheck, type FindingDraft } from '../../agent/core/check.js';
import { allRunners, describeRunner, judgeConfigs, runnerRef, runnerSubject, type RunnerAt } from './common.js';

export const runnerTokenCloned = defineCheck({
  meta: {
    id: 'runner-token-cloned',
    title: 'Runner identity duplicated (cloned runner)',
    severity: 'high',
    category: 'runner-identity',
    rationale:
      'A runner is its token: two runner entries with one token, or a config directory copied from another machine, both pick up jobs meant for one runner. A copied config is how a stolen token is used to "steal" jobs and their secrets.',
    remediation: 'Give each runner its own token (create a runner in GitLab, or reset the token), delete .runner_system_id in copied config directories, and regenerate /etc/machine-id on cloned VM images.',
    gitlabSection: 'cloning-runner',
    references: [{ title: 'Cloning a runner', url: 'https://docs.gitlab.com/runner/security/#cloning-a-runner' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    const runnerFacts = facts.domains.runner;
    const runners = allRunners(runnerFacts);
    return judgeConfigs(runnerFacts, (configs) => {
      const byToken = new Map<string, RunnerAt[]>();
      for (const at of runners) {
        const fingerprint = at.runner.token?.fingerprint;
        if (fingerprint) byToken.set(fingerprint, [...(byToken.get(fingerprint) ?? []), at]);
      }
      const drafts: FindingDraft[] = [];
      for (const [fingerprint, sharing] of byToken) {
        if (sharing.length < 2) continue;
        const first = sharing[0] as RunnerAt;
        drafts.push({
          subject: { kind: 'key', id: fingerprint, label: `runner token ${fingerprint}` },
          runner: runnerRef(first),
          message: `${sharing.length} runner entries share one token (${fingerprint}): ${sharing.map(describeRunner).join('; ')}`,
          evidence: `token fingerprint ${fingerprint} in ${sharing.map((at) => `${at.config.path} [[runners]] #${at.runner.index + 1}`).join(', ')}`,
          remediation: 'Keep one entry per token: create a separate runner in GitLab for each entry (or reset the token of the copy) and replace its token.',
        });
      }
      for (const config of configs) {
        if (config.systemId?.matchesMachineId !== false) continue;
        const first = config.runners[0];
        const at = first ? { config, runner: first } : null;
        drafts.push({
          subject: at ? runnerSubject(at) : { kind: 'path', id: config.path },
          ...(at ? { runner: runnerRef(at) } : {}),
          message: `${config.path}: .runner_system_id was derived from another machine's machine-id: this config directory was copied from another host`,
          evidence: `.runner_system_id ${config.systemId.fingerprint} does not match this host's machine-id`,
          remediation: `Reset the tokens of the runners in ${config.path}, delete its .runner_system_id, and make sure the original host is no longer using them.`,
          key: 'system-id',
        });
      }
      return drafts;
    });
  },
});
