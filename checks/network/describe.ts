import type { ListeningSocket, MetadataProbe, ProbeVantage } from '../../collectors/network/types.js';

/** Shared wording for network findings. */

export function describeVantage(vantage: ProbeVantage): string {
  if (vantage.kind === 'job-container' && vantage.container) return `job container ${vantage.container.name} (network ${vantage.container.networkMode})`;
  return `the host's network namespace, where ${vantage.jobsHere.join('; ')}`;
}

/** "GET /latest/meta-data/ -> 200, PUT /latest/api/token -> no answer (timeout)". */
export function exchangeSummary(probe: MetadataProbe): string {
  if (probe.exchanges.length === 0) return `connect ${probe.connect}`;
  return probe.exchanges.map((exchange) => `${exchange.request} -> ${exchange.outcome === 'response' ? String(exchange.status) : `no answer (${exchange.outcome})`}`).join(', ');
}

/** "0.0.0.0:9252" or "[::]:8093" or "/run/docker.sock". */
export function socketAddress(socket: ListeningSocket): string {
  if (socket.port === null) return socket.address;
  return socket.address.includes(':') ? `[${socket.address}]:${socket.port}` : `${socket.address}:${socket.port}`;
}

export function socketOwnersText(socket: ListeningSocket): string {
  return socket.owners.length > 0 ? socket.owners.map((owner) => `${owner.command || '?'} (pid ${owner.pid})`).join(', ') : 'owner not found';
}
