import type DockerModem from 'docker-modem';
import { safeText } from '../../agent/lib/sanitize.js';

/** Where the collector talks to the engine. */
export interface EngineEndpoint {
  /** For facts and messages: `unix:///var/run/docker.sock`, `tcp://127.0.0.1:2375`. */
  description: string;
  /** Unix socket path, null for tcp. */
  socketPath: string | null;
  /** Options for docker-modem. */
  options: DockerModem.ConstructorOptions;
}

/**
 * The engine endpoint: DOCKER_HOST when set (unix:// or tcp://, as the docker CLI reads it),
 * else `docker.socket` from runner-warden's config. Throws on a DOCKER_HOST it cannot use.
 */
export function resolveEndpoint(configSocket: string, env: NodeJS.ProcessEnv = process.env): EngineEndpoint {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (!dockerHost) return unixEndpoint(configSocket);
  if (dockerHost.startsWith('unix://')) return unixEndpoint(dockerHost.slice('unix://'.length) || configSocket);
  const withScheme = dockerHost.includes('://') ? dockerHost : `tcp://${dockerHost}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`DOCKER_HOST is not a valid address: ${safeText(dockerHost, 100)}`);
  }
  if (url.protocol !== 'tcp:') throw new Error(`DOCKER_HOST scheme ${safeText(url.protocol, 20)} is not supported (unix:// or tcp://)`);
  const tls = env.DOCKER_TLS_VERIFY === '1' || (env.DOCKER_TLS_VERIFY === undefined && url.port === '2376');
  const port = url.port || (tls ? '2376' : '2375');
  return {
    description: `tcp://${url.hostname}:${port}`,
    socketPath: null,
    options: { host: url.hostname.replace(/^\[|\]$/g, ''), port, protocol: tls ? 'https' : 'http' },
  };
}

function unixEndpoint(socketPath: string): EngineEndpoint {
  return { description: safeText(`unix://${socketPath}`, 300), socketPath, options: { socketPath } };
}
