import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * runner-warden's optional native addon (native/*.c, built by scripts/build-native.sh into
 * dist/native/runner-warden.node). Failures come back as -errno, not as exceptions: misses in a
 * walk are common, and an exception per miss costs a stack trace.
 */
export interface NativeAddon {
  openAt(dirFd: number, name: Buffer, flags: number): number;
  lstatAt(dirFd: number, name: Buffer, out: Float64Array): number;
  readlinkAt(dirFd: number, name: Buffer, out: Buffer): number;
  /** A flag byte (1: entries beyond maxEntries were left unread), then per entry: d_type, name length, name. */
  listAt(dirFd: number, maxEntries: number): Buffer | number;
  /** The system.posix_acl_access xattr of child `name` of dirFd, or of fd itself (name null), into `out`: its length. */
  aclAt(fd: number, name: Buffer | null, out: Buffer): number;
  /** Probes children of parentFd as native/working-copy.c describes: slots in `out`, each .git/config in its configBytes of `configs`. */
  probeWorkingCopies(parentFd: number, names: Buffer[], out: Float64Array, configs: Buffer, configBytes: number): number;
}

/** Where the build puts the addon, seen from this file in dist/ and in the sources (tests). */
const CANDIDATES = ['../../native/runner-warden.node', '../../dist/native/runner-warden.node'];
const EXPORTS: readonly (keyof NativeAddon)[] = ['openAt', 'lstatAt', 'readlinkAt', 'listAt', 'aclAt', 'probeWorkingCopies'];

export type NativeAddonLoad = { addon: NativeAddon } | { problem: string };

let loaded: NativeAddonLoad | undefined;

function load(): NativeAddonLoad {
  const require = createRequire(import.meta.url);
  for (const candidate of CANDIDATES) {
    const file = new URL(candidate, import.meta.url);
    if (!fs.existsSync(file)) continue;
    try {
      const addon = require(fileURLToPath(file)) as Partial<NativeAddon>;
      // A stale build from an older version lacks functions this one calls: refuse it whole.
      const missing = EXPORTS.filter((name) => typeof addon[name] !== 'function');
      if (missing.length > 0) return { problem: `dist/native/runner-warden.node is stale (no ${missing.join(', ')}): rebuild with npm run build` };
      return { addon: addon as NativeAddon };
    } catch (error) {
      return { problem: `dist/native/runner-warden.node does not load (${(error as Error).message.split('\n')[0]})` };
    }
  }
  return { problem: 'dist/native/runner-warden.node is not built (no C compiler at build time)' };
}

/** The addon, or why it is not there; loaded once. */
export function nativeAddon(): NativeAddonLoad {
  loaded ??= load();
  return loaded;
}
