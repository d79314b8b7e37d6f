import { defineCheck } from '../../agent/core/check.js';
import { judgeRunners, runnerFinding, usesDocker } from './common.js';

export const runnerInsecureTransport = defineCheck({
  meta: {
    id: 'runner-insecure-transport',
    title: 'Runner traffic without TLS',
    severity: 'medium',
    category: 'network',
    rationale:
      'With an http:// GitLab url the runner token, every job payload (CI/CD variables included) and the job token cross the network in clear text. The same goes for an http:// clone_url, an S3 cache with Insecure = true, and a tcp:// Docker host without tls_verify: anyone on the path can read or alter them.',
    remediation: 'Use https:// for url and clone_url, turn Insecure off for the S3 cache, and use a TLS-verified Docker host (tls_verify = true with client certificates) or the local socket.',
    gitlabSection: 'network-segmentation',
    references: [{ title: 'Self-signed certificates or custom Certification Authorities', url: 'https://docs.gitlab.com/runner/configuration/tls-self-signed/' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeRunners(facts.domains.runner, (runners) =>
      runners.flatMap((at) => {
        const { runner } = at;
        const found = [];
        if (runner.url?.scheme === 'http') {
          found.push(
            runnerFinding(at, {
              message: 'GitLab url is plain http: the runner token and job secrets travel unencrypted',
              evidence: `url = "${runner.url.value}"`,
              severity: 'high',
              remediation: `Set url = "${runner.url.value.replace(/^http:/i, 'https:')}" (with tls-ca-file if the certificate is private).`,
              key: 'url',
            }),
          );
        }
        if (runner.cloneUrl?.scheme === 'http') {
          found.push(
            runnerFinding(at, {
              message: 'clone_url is plain http: the job token travels unencrypted on every clone',
              evidence: `clone_url = "${runner.cloneUrl.value}"`,
              remediation: 'Use an https:// clone_url, or remove clone_url.',
              key: 'clone_url',
            }),
          );
        }
        if (runner.cache?.s3Insecure) {
          found.push(
            runnerFinding(at, {
              message: 'S3 cache traffic is plain http (Insecure = true): caches can be read or poisoned on the way',
              evidence: `[runners.cache.s3] Insecure = true; ServerAddress = "${runner.cache.s3ServerAddress ?? ''}"`,
              remediation: 'Set Insecure = false in [runners.cache.s3] and serve the cache over https.',
              key: 's3-insecure',
            }),
          );
        }
        const host = usesDocker(runner) ? runner.docker?.host : null;
        if (host && /^tcp:\/\//i.test(host) && !runner.docker?.tlsVerify) {
          found.push(
            runnerFinding(at, {
              message: `Docker host ${host} is used without TLS verification: whoever reaches it controls the jobs`,
              evidence: `[runners.docker] host = "${host}"; tls_verify = false`,
              severity: 'high',
              remediation: 'Set tls_verify = true and tls_cert_path in [runners.docker], or use the local unix socket.',
              key: 'docker-host',
            }),
          );
        }
        return found;
      }),
    );
  },
});
