import { describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../agent/core/check.js';
import { judge } from '../../agent/core/judge.js';
import { networkChecks } from '../../checks/network/index.js';
import { networkDockerApiListening } from '../../checks/network/network-docker-api-listening.js';
import { networkMetadataReachable } from '../../checks/network/network-metadata-reachable.js';
import { networkMetadataUnguarded } from '../../checks/network/network-metadata-unguarded.js';
import { networkRunnerPortExposed } from '../../checks/network/network-runner-port-exposed.js';
import type { NetworkFacts } from '../../collectors/network/types.js';
import { asFacts, awsCloud, containerVantage, gcpProbe, guardRule, hostVantage, imdsProbe, listener, networkFacts, probed } from './helpers/facts.js';

/** status, then each finding's severity (or the reason for n/a). */
function summary(outcome: CheckOutcome): string[] {
  if (outcome.status === 'fail') return ['fail', ...outcome.findings.map((finding) => finding.severity ?? 'default')];
  if (outcome.status === 'not-applicable' || outcome.status === 'error') return [outcome.status, outcome.reason];
  return [outcome.status];
}

interface Case {
  name: string;
  facts: NetworkFacts;
  expected: (string | RegExp)[];
}

function expectSummary(outcome: CheckOutcome, expected: (string | RegExp)[]): void {
  const actual = summary(outcome);
  expect(actual.length).toBe(expected.length);
  expected.forEach((want, index) => (typeof want === 'string' ? expect(actual[index]).toBe(want) : expect(actual[index]).toMatch(want)));
}

const SHELL = ['runner "ci" uses the shell executor'];

describe('network-metadata-reachable', () => {
  it.each<Case>([
    { name: 'probes disabled', facts: networkFacts({ metadata: { ...probed([]), status: 'disabled', clouds: [] } }), expected: ['not-applicable', /not probed \(disabled\)/] },
    { name: 'only the host probed and no job shares it', facts: networkFacts({ metadata: probed([hostVantage([imdsProbe(true, 'issued')])], 'no running job container with its own network namespace') }), expected: ['not-applicable', /no running job container/] },
    { name: 'the job namespace could not be entered', facts: networkFacts({ metadata: probed([hostVantage([imdsProbe(true, 'issued')]), containerVantage([], 'failed')]) }), expected: ['not-applicable', /nsenter: cannot open/] },
    { name: 'a job container gets IMDSv1', facts: networkFacts({ metadata: probed([containerVantage([imdsProbe(true, 'issued')])]) }), expected: ['fail', 'critical'] },
    { name: 'a job container gets an IMDSv2 token', facts: networkFacts({ metadata: probed([containerVantage([imdsProbe(false, 'issued')])]) }), expected: ['fail', 'high'] },
    { name: 'a job container gets GCP metadata', facts: networkFacts({ metadata: probed([containerVantage([gcpProbe(true)])]) }), expected: ['fail', 'high'] },
    { name: 'shell jobs share a host that gets IMDSv1', facts: networkFacts({ metadata: probed([hostVantage([imdsProbe(true, 'issued')], SHELL)]) }), expected: ['fail', 'critical'] },
    { name: 'hop limit 1: the container gets a 401 and no token', facts: networkFacts({ metadata: probed([hostVantage([imdsProbe(false, 'issued')]), containerVantage([imdsProbe(false, 'no-answer')])]) }), expected: ['pass'] },
    { name: 'a firewall drops the container traffic', facts: networkFacts({ metadata: probed([hostVantage([gcpProbe(true)]), containerVantage([gcpProbe(false)])]) }), expected: ['pass'] },
  ])('$name', ({ facts, expected }) => {
    expectSummary(networkMetadataReachable.evaluate(asFacts(facts)), expected);
  });

  it('names the vantage, the evidence and a fix that fits the way jobs run', () => {
    const outcome = networkMetadataReachable.evaluate(asFacts(networkFacts({ metadata: probed([hostVantage([imdsProbe(true, 'issued')], SHELL), containerVantage([imdsProbe(true, 'issued')])]) })));
    expect(outcome.status).toBe('fail');
    if (outcome.status !== 'fail') return;
    const [host, container] = outcome.findings;
    expect(host?.message).toContain('runner "ci" uses the shell executor');
    expect(host?.remediation).toContain('--uid-owner');
    expect(container?.message).toContain('job container runner-x-build');
    expect(container?.remediation).toContain('DOCKER-USER');
    expect(container?.evidence).toBe('GET /latest/meta-data/ -> 200, PUT /latest/api/token -> 200');
    const token = networkMetadataReachable.evaluate(asFacts(networkFacts({ metadata: probed([containerVantage([imdsProbe(false, 'issued')])]) })));
    expect(token.status === 'fail' && token.findings[0]?.message).toContain('the PUT response hop limit is above 1');
    // One endpoint, two vantages: distinct findings.
    expect(new Set(outcome.findings.map((finding) => `${finding.subject.id}/${finding.key}`)).size).toBe(2);
  });
});

describe('network-metadata-unguarded', () => {
  const disabled = { ...probed([]), status: 'disabled' as const, clouds: [] };
  it.each<Case>([
    { name: 'bare metal', facts: networkFacts(), expected: ['not-applicable', /not a known cloud instance \(none\)/] },
    { name: 'unknown host', facts: networkFacts({ cloud: { ...awsCloud(), provider: 'unknown' } }), expected: ['not-applicable', /unknown/] },
    { name: 'unknown DMI, but GCP metadata answered the host (mode always)', facts: networkFacts({ cloud: { ...awsCloud(), provider: 'unknown', evidence: [] }, metadata: probed([hostVantage([gcpProbe(true)])]) }), expected: ['fail', 'default'] },
    { name: 'AWS, probes disabled, no rule', facts: networkFacts({ cloud: awsCloud(), metadata: disabled }), expected: ['fail', 'default'] },
    { name: 'AWS, probes disabled, DOCKER-USER drops it', facts: networkFacts({ cloud: awsCloud(), metadata: disabled, firewall: { sources: [], metadataRules: [guardRule()] } }), expected: ['pass'] },
    { name: 'AWS, a raw PREROUTING drop', facts: networkFacts({ cloud: awsCloud(), metadata: disabled, firewall: { sources: [], metadataRules: [guardRule({ table: 'raw', chain: 'PREROUTING', hooks: ['prerouting'] })] } }), expected: ['pass'] },
    { name: 'AWS, the rule sits in a chain nothing jumps to', facts: networkFacts({ cloud: awsCloud(), metadata: disabled, firewall: { sources: [], metadataRules: [guardRule({ chain: 'ORPHAN', hooks: [] })] } }), expected: ['fail', 'default'] },
    { name: 'AWS, only an INPUT rule (containers are forwarded)', facts: networkFacts({ cloud: awsCloud(), metadata: disabled, firewall: { sources: [], metadataRules: [guardRule({ chain: 'INPUT', hooks: ['input'] })] } }), expected: ['fail', 'default'] },
    { name: 'GCP, a /16 link-local drop covers it', facts: networkFacts({ cloud: { ...awsCloud(), provider: 'gcp' }, metadata: disabled, firewall: { sources: [], metadataRules: [guardRule({ destination: '169.254.0.0/16' })] } }), expected: ['pass'] },
    { name: 'Alibaba, only 169.254.169.254 is dropped', facts: networkFacts({ cloud: { ...awsCloud(), provider: 'alibaba' }, metadata: disabled, firewall: { sources: [], metadataRules: [guardRule()] } }), expected: ['fail', 'default'] },
    { name: 'AWS, a job container was probed', facts: networkFacts({ cloud: awsCloud(), metadata: probed([containerVantage([imdsProbe(true, 'issued')])]) }), expected: ['not-applicable', /measured from a job container/] },
    { name: 'AWS, host probed and the service does not even answer the host', facts: networkFacts({ cloud: awsCloud(), metadata: probed([hostVantage([{ ...imdsProbe(false, 'refused'), connect: 'timeout', exchanges: [], answered: false }])]) }), expected: ['pass'] },
    { name: 'AWS, host answered, no job container to probe from', facts: networkFacts({ cloud: awsCloud(), metadata: probed([hostVantage([imdsProbe(false, 'issued')])], 'no running job container with its own network namespace') }), expected: ['fail', 'default'] },
  ])('$name', ({ facts, expected }) => {
    expectSummary(networkMetadataUnguarded.evaluate(asFacts(facts)), expected);
  });

  it('says why reachability was not measured and what was read', () => {
    const outcome = networkMetadataUnguarded.evaluate(asFacts(networkFacts({ cloud: awsCloud(), metadata: { ...probed([]), status: 'offline-root', clouds: [] } })));
    if (outcome.status !== 'fail') throw new Error('expected a finding');
    expect(outcome.findings[0]?.message).toMatch(/no firewall rule dropping container traffic to 169\.254\.169\.254, fd00:ec2::254.*probes offline-root/);
    expect(outcome.findings[0]?.evidence).toContain('iptables-save read');
  });
});

describe('network-docker-api-listening', () => {
  it.each<Case>([
    { name: 'sockets not observed', facts: networkFacts({ sockets: { observed: false, listening: [], truncated: false, ownersMapped: false } }), expected: ['not-applicable', /not observed/] },
    { name: 'every interface, answers plain HTTP', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ dockerApiAccess: 'open-plaintext' })] } }), expected: ['fail', 'critical'] },
    { name: 'every interface, TLS without client certificates', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ port: 2376, dockerApiAccess: 'open-tls-without-client-cert' })] } }), expected: ['fail', 'critical'] },
    { name: 'every interface, client certificates required', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ port: 2376, dockerApiAccess: 'client-cert-required' })] } }), expected: ['pass'] },
    { name: 'a specific address, not probed, --tlsverify=false', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ address: '10.0.0.5', scope: 'specific', dockerApiAccess: 'not-probed', dockerTlsVerify: false })] } }), expected: ['fail', 'critical'] },
    { name: 'a specific address, not probed, TLS unknown', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ address: '10.0.0.5', scope: 'specific', dockerApiAccess: 'not-probed', dockerTlsVerify: null })] } }), expected: ['fail', 'high'] },
    { name: 'a specific address, not probed, tlsverify on', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ address: '10.0.0.5', scope: 'specific', dockerApiAccess: 'not-probed', dockerTlsVerify: true })] } }), expected: ['pass'] },
    { name: 'loopback, answers plain HTTP', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ address: '127.0.0.1', scope: 'loopback', dockerApiAccess: 'open-plaintext' })] } }), expected: ['fail', 'high'] },
    { name: 'loopback, not probed', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ address: '127.0.0.1', scope: 'loopback', dockerApiAccess: 'not-probed' })] } }), expected: ['pass'] },
    { name: 'the unix socket only', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ protocol: 'unix', address: '/run/docker.sock', port: null, scope: 'unix' })] } }), expected: ['pass'] },
    { name: 'port 2375 held by something else', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ role: 'other', owners: [{ pid: 9, command: 'nginx' }] })] } }), expected: ['pass'] },
  ])('$name', ({ facts, expected }) => {
    expectSummary(networkDockerApiListening.evaluate(asFacts(facts)), expected);
  });
});

describe('network-runner-port-exposed', () => {
  const runner = [{ pid: 30, command: 'gitlab-runner' }];
  it.each<Case>([
    { name: 'sockets not observed', facts: networkFacts({ sockets: { observed: false, listening: [], truncated: false, ownersMapped: false } }), expected: ['not-applicable', /not observed/] },
    { name: 'metrics on every interface', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ port: 9252, role: 'runner-metrics', owners: runner })] } }), expected: ['fail', 'medium'] },
    { name: 'session server on [::]', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ protocol: 'tcp6', address: '::', port: 8093, role: 'runner-session-server', owners: runner })] } }), expected: ['fail', 'medium'] },
    { name: 'an unconfigured runner port on every interface', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ port: 8000, role: 'runner-other', owners: runner })] } }), expected: ['fail', 'medium'] },
    { name: 'metrics on a specific address', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ address: '10.1.2.3', scope: 'specific', port: 9252, role: 'runner-metrics', owners: runner })] } }), expected: ['fail', 'low'] },
    { name: 'metrics on loopback', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ address: '127.0.0.1', scope: 'loopback', port: 9252, role: 'runner-metrics', owners: runner })] } }), expected: ['pass'] },
    { name: 'sshd on every interface is not this check', facts: networkFacts({ sockets: { ...networkFacts().sockets, listening: [listener({ port: 22, role: 'sshd', owners: [{ pid: 1, command: 'sshd' }] })] } }), expected: ['pass'] },
  ])('$name', ({ facts, expected }) => {
    expectSummary(networkRunnerPortExposed.evaluate(asFacts(facts)), expected);
  });
});

describe('the network checks in the engine', () => {
  it('have unique ids, cite network segmentation, and reach findings through the judge', () => {
    expect(new Set(networkChecks.map((check) => check.meta.id)).size).toBe(networkChecks.length);
    expect(networkChecks.every((check) => check.meta.gitlabSection === 'network-segmentation' && check.meta.requires.join() === 'network')).toBe(true);
    const facts = networkFacts({
      cloud: awsCloud(),
      metadata: probed([containerVantage([imdsProbe(true, 'issued')])]),
      sockets: { ...networkFacts().sockets, listening: [listener({ dockerApiAccess: 'open-plaintext' }), listener({ port: 9252, role: 'runner-metrics', owners: [{ pid: 30, command: 'gitlab-runner' }] })] },
    });
    const result = judge(asFacts(facts), networkChecks, []);
    expect(result.checks.map((check) => [check.id, check.status, check.findings])).toEqual([
      ['network-docker-api-listening', 'fail', 1],
      ['network-metadata-reachable', 'fail', 1],
      ['network-metadata-unguarded', 'not-applicable', 0],
      ['network-runner-port-exposed', 'fail', 1],
    ]);
    expect(result.findings.map((finding) => [finding.checkId, finding.severity, finding.subject.id])).toEqual([
      ['network-docker-api-listening', 'critical', 'tcp:0.0.0.0:2375'],
      ['network-metadata-reachable', 'critical', 'aws:169.254.169.254:80'],
      ['network-runner-port-exposed', 'medium', 'tcp:0.0.0.0:9252'],
    ]);
  });
});
