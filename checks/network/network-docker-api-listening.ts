import { defineCheck } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import type { ListeningSocket } from '../../collectors/network/types.js';
import { socketAddress } from './describe.js';
import { judgeListeningSockets } from './listening.js';

/** Severity and wording for one Docker API tcp listener; null when it is not a problem. */
function judge(socket: ListeningSocket): { severity: Severity; why: string } | null {
  const access = socket.dockerApiAccess ?? 'not-probed';
  if (access === 'client-cert-required') return null;
  const open = access === 'open-plaintext' || access === 'open-tls-without-client-cert';
  const observed = access === 'open-plaintext' ? 'answered /_ping in plain HTTP' : 'answered /_ping over TLS without a client certificate';
  if (socket.scope === 'loopback') {
    // Loopback is out of reach of bridged containers, not of shell jobs or host-network containers.
    return open ? { severity: 'high', why: `it ${observed} on loopback, open to shell jobs and host-network containers` } : null;
  }
  if (open) return { severity: 'critical', why: `it ${observed}` };
  if (socket.dockerTlsVerify === true) return null;
  if (socket.dockerTlsVerify === false) return { severity: 'critical', why: 'dockerd runs with TLS client verification off' };
  return { severity: 'high', why: 'TLS client verification could not be confirmed (not probed, no --tlsverify or daemon.json tlsverify)' };
}

export const networkDockerApiListening = defineCheck({
  meta: {
    id: 'network-docker-api-listening',
    title: 'Docker API listening on TCP without client verification',
    severity: 'critical',
    category: 'network',
    rationale:
      'Whoever talks to the Docker API is root on the host. A TCP listener beyond loopback is reachable from job containers ' +
      'through the bridge gateway and from the network; without TLS client verification it asks for no credential at all. ' +
      'This check judges the socket actually listening, whatever the configuration files say.',
    remediation:
      'Stop dockerd listening on TCP (remove tcp:// from daemon.json "hosts" and -H flags), or require client certificates ' +
      '(tlsverify with tlscacert, tlscert, tlskey); use ssh:// for remote administration.',
    gitlabSection: 'network-segmentation',
    references: [{ title: 'Docker: protect the Docker daemon socket', url: 'https://docs.docker.com/engine/security/protect-access/' }],
    requires: ['network'],
  },
  evaluate(facts) {
    return judgeListeningSockets(facts, (socket, report) => {
      if (socket.role !== 'docker-api') return;
      const verdict = judge(socket);
      if (!verdict) return;
      const where = socket.scope === 'all-interfaces' ? 'on every interface' : `on ${socket.address}`;
      report({
        label: `Docker API at ${socketAddress(socket)}`,
        severity: verdict.severity,
        message: `the Docker API listens on tcp ${where} port ${socket.port}: ${verdict.why}`,
        detail: `loopback probe: ${socket.dockerApiAccess ?? 'not-probed'}; tlsverify: ${socket.dockerTlsVerify ?? 'unknown'}`,
      });
    });
  },
});
