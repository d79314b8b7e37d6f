import { defineCheck, findingsOrPass, type FindingDraft } from '../../agent/core/check.js';
import { parseDaemonHost } from '../../collectors/docker/daemon-config.js';
import { daemonMissing } from './scope.js';

function isLoopback(host: string | null): boolean {
  if (host === null) return false;
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export const dockerApiTcpInsecure = defineCheck({
  meta: {
    id: 'docker-api-tcp-insecure',
    title: 'Docker API on TCP without TLS client verification',
    severity: 'critical',
    category: 'network',
    rationale:
      'The Docker API is root on the host. Listening on TCP without tlsverify, anyone who can reach the port drives the ' +
      'daemon without credentials, and job containers can always reach the host through the bridge gateway ' +
      '(e.g. 172.17.0.1:2375). On loopback it is still open to every shell job and host-network container.',
    remediation:
      'Remove the tcp:// entry from daemon.json "hosts" and from -H in the docker.service ExecStart; if remote access is ' +
      'needed, use ssh:// or set tlsverify with client certificates (tlscacert, tlscert, tlskey).',
    gitlabSection: 'network-segmentation',
    references: [
      { title: 'Docker: protect the Docker daemon socket', url: 'https://docs.docker.com/engine/security/protect-access/' },
      { title: 'Docker: daemon configuration file', url: 'https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file' },
    ],
    requires: ['docker'],
  },
  evaluate(facts) {
    const docker = facts.domains.docker;
    const missing = daemonMissing(docker);
    if (missing) return missing;
    // What the files configure, then what the running engine warns about (it also sees flags set elsewhere).
    const fromEngine = (docker.engine?.unverifiedTcpListeners ?? []).map((l) => parseDaemonHost(`tcp://${l.address}`, 'the engine (/info warnings)', false, l.tls));
    const findings = new Map<string, FindingDraft>();
    for (const h of [...docker.daemon.hosts, ...fromEngine]) {
      if (h.scheme !== 'tcp' || h.tlsVerify) continue;
      const port = h.port ?? (h.tls ? 2376 : 2375);
      const id = `tcp:${h.host ?? ''}:${port}`;
      if (findings.has(id)) continue;
      const where = h.host === '' || h.host === null ? 'on every interface' : `on ${h.host}`;
      const loopback = isLoopback(h.host);
      findings.set(id, {
        subject: { kind: 'endpoint', id, label: h.address },
        message: `the Docker API listens on tcp ${where} port ${port} ${h.tls ? 'with TLS but no client verification' : 'without TLS'}${loopback ? ' (loopback only: high)' : ''}`,
        evidence: `${h.address} in ${h.source}, tlsverify off`,
        severity: loopback ? 'high' : 'critical',
      });
    }
    return findingsOrPass([...findings.values()]);
  },
});
