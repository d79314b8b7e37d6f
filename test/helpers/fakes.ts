import pino from 'pino';
import { defineCheck, findingsOrPass, type Check } from '../../agent/core/check.js';
import { defineCollector, type Collector } from '../../agent/core/collector.js';
import type { DomainFacts } from '../../agent/core/facts.js';

export const silentLog = pino({ level: 'silent' });

/** A collector for the runner domain whose behaviour a test chooses. */
export function fakeRunnerCollector(behaviour: 'ok' | 'throw' | 'hang' | 'garbage', searched: string[] = ['/etc/gitlab-runner/config.toml']): Collector {
  return defineCollector({
    name: `fake-runner-${behaviour}`,
    provides: 'runner',
    after: [],
    timeoutMs: 200,
    collect: async () => {
      if (behaviour === 'throw') throw new Error('boom\u001b[31m with glrt-SECRETSECRETSECRET in it');
      if (behaviour === 'hang') return new Promise<never>(() => undefined);
      if (behaviour === 'garbage') return 'not facts' as unknown as DomainFacts['runner'];
      return { searched } as unknown as DomainFacts['runner'];
    },
    validate: (value) => (typeof value === 'object' && value !== null && Array.isArray((value as { searched?: unknown }).searched) ? null : 'expected an object with searched[]'),
  }) as Collector;
}

/** A check that fails once per searched path, so tests control its findings through facts. */
export const fakeSearchedCheck: Check = defineCheck({
  meta: {
    id: 'fake-searched-path',
    title: 'Fake: one finding per searched path',
    severity: 'high',
    category: 'executor',
    rationale: 'Test rationale.',
    remediation: 'Test remediation.',
    gitlabSection: 'shell-executor',
    references: [{ title: 'Runner security', url: 'https://docs.gitlab.com/runner/security/' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    const searched = (facts.domains.runner as unknown as { searched: string[] }).searched;
    return findingsOrPass(searched.map((path) => ({ subject: { kind: 'path', id: path }, message: `searched ${path}`, evidence: `path=${path}` })));
  },
}) as Check;

export const fakeThrowingCheck: Check = defineCheck({
  meta: { ...fakeSearchedCheck.meta, id: 'fake-throwing', title: 'Fake: throws' },
  evaluate() {
    throw new Error('check bug');
  },
}) as Check;
