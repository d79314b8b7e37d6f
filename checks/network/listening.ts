import { findingsOrPass, type CheckOutcome, type FactsWith, type FindingDraft } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import type { ListeningSocket } from '../../collectors/network/types.js';
import { socketAddress, socketOwnersText } from './describe.js';

/** What a listener check says about one socket; its id and the socket evidence are added for it. */
export interface SocketReport {
  label: string;
  severity: Severity;
  message: string;
  /** Appended to the socket evidence ("tcp 0.0.0.0:2375 LISTEN, dockerd (pid 1)") after "; ". */
  detail?: string;
}

/**
 * A check on the sockets actually listening on the network (unix sockets are not): not applicable
 * when they were not observed, else the findings its judge reports, or a pass.
 */
export function judgeListeningSockets(
  facts: FactsWith<'network'>,
  judge: (socket: ListeningSocket, report: (finding: SocketReport) => void) => void,
): CheckOutcome {
  const sockets = facts.domains.network.sockets;
  if (!sockets.observed) return { status: 'not-applicable', reason: 'listening sockets were not observed (no /proc/net/tcp under the root)' };
  const findings: FindingDraft[] = [];
  for (const socket of sockets.listening.filter((candidate) => candidate.protocol !== 'unix')) {
    judge(socket, ({ label, severity, message, detail }) => {
      const address = socketAddress(socket);
      findings.push({
        subject: { kind: 'socket', id: `${socket.protocol}:${address}`, label },
        severity,
        message,
        evidence: `${socket.protocol} ${address} LISTEN, ${socketOwnersText(socket)}${detail === undefined ? '' : `; ${detail}`}`,
      });
    });
  }
  return findingsOrPass(findings);
}
