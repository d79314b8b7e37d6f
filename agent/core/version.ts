import { createRequire } from 'node:module';

/** The tool's version, from package.json (one source of truth). */
function readVersion(): string {
  const require = createRequire(import.meta.url);
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'runner-warden' && pkg.version) return pkg.version;
    } catch {
      // Try the next layout (source tree vs dist/).
    }
  }
  return '0.0.0';
}

export const TOOL_VERSION = readVersion();
