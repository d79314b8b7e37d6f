import { afterEach, describe, expect, it } from 'vitest';
import { collectFacts } from '../../agent/core/collect.js';
import { judge } from '../../agent/core/judge.js';
import { defaultConfig } from '../../agent/config/schema.js';
import { SyntheticHost } from '../helpers/host.js';
import { fakeRunnerCollector, fakeSearchedCheck, fakeThrowingCheck, silentLog } from '../helpers/fakes.js';

const hosts: SyntheticHost[] = [];
function host(): SyntheticHost {
  const h = new SyntheticHost().withIdentity();
  hosts.push(h);
  return h;
}
afterEach(() => hosts.splice(0).forEach((h) => h.cleanup()));

async function scanWith(behaviour: 'ok' | 'throw' | 'hang' | 'garbage', searched?: string[]) {
  const h = host();
  const facts = await collectFacts({ root: h.root, config: defaultConfig(), collectors: [fakeRunnerCollector(behaviour, searched)], log: silentLog });
  return { facts, result: judge(facts, [fakeSearchedCheck], []) };
}

describe('scan pipeline', () => {
  it('reports host identity with the machine id as a fingerprint only', async () => {
    const { facts } = await scanWith('ok');
    expect(facts.host.hostname).toBe('runner-01');
    expect(facts.host.machineId).toMatch(/^fp1:[0-9a-f]{16}$/);
    expect(JSON.stringify(facts)).not.toContain('0123456789abcdef0123456789abcdef');
  });

  it.each(['throw', 'hang', 'garbage'] as const)('a collector that does "%s" becomes an error entry and the scan completes', async (behaviour) => {
    const started = Date.now();
    const { facts, result } = await scanWith(behaviour);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(facts.collectors).toHaveLength(1);
    expect(facts.collectors[0]?.status).toBe('error');
    expect(facts.domains.runner).toBeUndefined();
    expect(result.checks).toEqual([expect.objectContaining({ id: 'fake-searched-path', status: 'error' })]);
    expect(result.summary.checks.error).toBe(1);
  });

  it('sanitises collector error messages (no control characters, no tokens)', async () => {
    const { facts } = await scanWith('throw');
    const message = facts.collectors[0]?.message ?? '';
    expect(message).toContain('boom');
    expect(message).not.toMatch(/[\u0000-\u001f]/);
    expect(message).not.toContain('SECRETSECRETSECRET');
  });

  it('says when a collector timed out', async () => {
    const { facts } = await scanWith('hang');
    expect(facts.collectors[0]?.message).toMatch(/timed out after 200 ms/);
  });

  it('a check that throws gives an error result, the others still run', async () => {
    const h = host();
    const facts = await collectFacts({ root: h.root, config: defaultConfig(), collectors: [fakeRunnerCollector('ok')], log: silentLog });
    const result = judge(facts, [fakeThrowingCheck, fakeSearchedCheck], []);
    expect(result.checks.map((c) => [c.id, c.status])).toEqual([
      ['fake-searched-path', 'fail'],
      ['fake-throwing', 'error'],
    ]);
  });

  it('gives the same fingerprint for the same problem in every scan, and a different one for another subject', async () => {
    const first = (await scanWith('ok', ['/a', '/b'])).result;
    const again = judge(JSON.parse(JSON.stringify((await scanWith('ok', ['/a'])).facts)), [fakeSearchedCheck], []);
    const fa = first.findings.find((f) => f.subject.id === '/a')?.fingerprint;
    expect(fa).toMatch(/^[0-9a-f]{32}$/);
    expect(again.findings[0]?.fingerprint).toBe(fa);
    expect(first.findings.find((f) => f.subject.id === '/b')?.fingerprint).not.toBe(fa);
  });

  it('judging the same facts twice gives byte-identical JSON', async () => {
    const { facts } = await scanWith('ok', ['/z', '/a', '/m']);
    const copy = JSON.parse(JSON.stringify(facts));
    expect(JSON.stringify(judge(copy, [fakeSearchedCheck], []))).toBe(JSON.stringify(judge(facts, [fakeSearchedCheck], [])));
  });
});

describe('suppressions', () => {
  it('marks matching findings suppressed, keeps them in the result and out of the counts', async () => {
    const { facts } = await scanWith('ok', ['/etc/a', '/srv/b']);
    const result = judge(facts, [fakeSearchedCheck], [{ check: 'fake-searched-path', subject: '/etc/*', reason: 'accepted risk' }]);
    expect(result.findings).toHaveLength(2);
    expect(result.findings.find((f) => f.subject.id === '/etc/a')?.suppressed).toEqual({ reason: 'accepted risk' });
    expect(result.findings.find((f) => f.subject.id === '/srv/b')?.suppressed).toBeUndefined();
    expect(result.summary).toMatchObject({ findings: 1, suppressed: 1 });
  });

  it('works through its expiry day and stops working after it, saying so', async () => {
    const { facts } = await scanWith('ok', ['/etc/a']);
    const day = facts.collectedAt.start.slice(0, 10);
    const active = judge(facts, [fakeSearchedCheck], [{ check: 'fake-searched-path', subject: '*', reason: 'until today', expires: day }]);
    expect(active.summary.suppressed).toBe(1);
    expect(active.suppressions.expired).toEqual([]);
    const expired = judge(facts, [fakeSearchedCheck], [{ check: 'fake-searched-path', subject: '*', reason: 'old', expires: '2000-01-01' }]);
    expect(expired.summary).toMatchObject({ findings: 1, suppressed: 0 });
    expect(expired.suppressions.expired).toEqual([expect.objectContaining({ check: 'fake-searched-path', expires: '2000-01-01', note: expect.stringContaining('expired on 2000-01-01') })]);
  });

  it('does not suppress another check', async () => {
    const { facts } = await scanWith('ok', ['/etc/a']);
    const result = judge(facts, [fakeSearchedCheck], [{ check: 'other-check', subject: '*', reason: 'x' }]);
    expect(result.summary.suppressed).toBe(0);
  });
});

describe('collector scheduling', () => {
  it('starts a collector as soon as the ones it runs after are done, not when a whole stage is', async () => {
    const events: string[] = [];
    const fake = (name: string, provides: 'runner' | 'docker' | 'system', after: ('runner' | 'docker')[], ms: number) => ({
      name,
      provides,
      after,
      timeoutMs: 5000,
      collect: async () => {
        events.push(`${name}:start`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        events.push(`${name}:end`);
        return { searched: [] } as never;
      },
      validate: () => null,
    });
    const h = host();
    await collectFacts({
      root: h.root,
      config: defaultConfig(),
      collectors: [fake('runner', 'runner', [], 10), fake('docker', 'docker', [], 300), fake('system', 'system', ['runner'], 10)],
      log: silentLog,
    });
    expect(events.indexOf('system:start')).toBeLessThan(events.indexOf('docker:end'));
    expect(events.indexOf('system:start')).toBeGreaterThan(events.indexOf('runner:end'));
  });
});
