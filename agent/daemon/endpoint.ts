import { ConfigError } from '../config/load.js';
import type { WardenConfig } from '../config/schema.js';
import { safeText } from '../lib/sanitize.js';
import { readSmallFile } from './durable.js';
import type { Endpoint } from './http-post.js';
import type { ShipPolicy } from './shipper.js';

const MAX_TOKEN_BYTES = 4096;
const MAX_PEM_BYTES = 1024 * 1024;

type ShipConfig = WardenConfig['agent']['ship'];

/** Reads a credential file; errors name the file and the reason, never its content. */
function readMaterial(file: string, maxBytes: number, what: string): Buffer {
  let data: Buffer | null;
  try {
    data = readSmallFile(file, maxBytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`${safeText(file)}: cannot read the ${what} (${code ?? `not a regular file of at most ${maxBytes} bytes`})`);
  }
  if (data === null) throw new ConfigError(`${safeText(file)}: the ${what} file does not exist`);
  return data;
}

/** The receiver and its credentials, or null when shipping is off (no url). */
export function loadEndpoint(ship: ShipConfig): Endpoint | null {
  if (!ship.url) return null;
  const url = new URL(ship.url);
  if (url.protocol === 'http:' && (ship.ca_file || ship.cert_file)) throw new ConfigError(`agent.ship.url: ca_file and cert_file need an https URL`);
  let token: string | null = null;
  if (ship.token_file) {
    token = readMaterial(ship.token_file, MAX_TOKEN_BYTES, 'bearer token').toString('utf8').trim();
    if (!/^[\x21-\x7e]+$/.test(token)) throw new ConfigError(`${safeText(ship.token_file)}: the bearer token must be one line of printable ASCII`);
  }
  const endpoint: Endpoint = { url, token };
  if (ship.ca_file) endpoint.ca = readMaterial(ship.ca_file, MAX_PEM_BYTES, 'CA bundle');
  if (ship.cert_file && ship.key_file) {
    endpoint.cert = readMaterial(ship.cert_file, MAX_PEM_BYTES, 'client certificate');
    endpoint.key = readMaterial(ship.key_file, MAX_PEM_BYTES, 'client key');
  }
  return endpoint;
}

export function shipPolicy(ship: ShipConfig): ShipPolicy {
  return {
    gzip: ship.gzip,
    batchMaxEvents: ship.batch_max_events,
    batchMaxBytes: ship.batch_max_bytes,
    requestTimeoutMs: ship.request_timeout_seconds * 1000,
    responseMaxBytes: ship.response_max_bytes,
    backoffBaseMs: ship.backoff_base_seconds * 1000,
    backoffMaxMs: ship.backoff_max_seconds * 1000,
    intervalMs: ship.interval_seconds * 1000,
  };
}
