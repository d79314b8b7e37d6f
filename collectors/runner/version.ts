import { execFile } from 'node:child_process';
import path from 'node:path';
import { statUnderRoot, type FileInfo } from '../../agent/lib/safe-fs.js';
import { sanitize } from '../../agent/lib/sanitize.js';
import type { RunnerBinary, SearchedLocation } from './types.js';

export const BINARY_CANDIDATES = ['/usr/bin/gitlab-runner', '/usr/local/bin/gitlab-runner', '/usr/bin/gitlab-ci-multi-runner'];
const VERSION_TIMEOUT_MS = 5000;
const VERSION_MAX_OUTPUT = 64 * 1024;

/** `Version:` and `Git revision:` lines of `gitlab-runner --version`. */
export function parseVersionOutput(output: string): { version: string | null; revision: string | null } {
  const version = /^Version:\s*v?(\d+\.\d+\.\d+[0-9A-Za-z.~+-]*)/m.exec(output)?.[1] ?? null;
  const revision = /^Git revision:\s*([0-9a-f]{6,40})/m.exec(output)?.[1] ?? null;
  return { version, revision };
}

/**
 * Running a file as root is only safe when no one but root could have put it there: the file and
 * its directory must be root-owned and not writable by group or others. Otherwise a user could
 * name a process or plant a binary so that the agent executes it.
 */
export function trustedToExecute(root: string, binary: string): boolean {
  const trusted = (info: FileInfo | null): boolean => info !== null && info.uid === 0 && (info.mode & 0o022) === 0;
  try {
    return trusted(statUnderRoot(root, binary, 'within-root')) && trusted(statUnderRoot(root, path.posix.dirname(binary), 'within-root'));
  } catch {
    return false;
  }
}

function runVersion(binary: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      ['--version'],
      { timeout: VERSION_TIMEOUT_MS, maxBuffer: VERSION_MAX_OUTPUT, killSignal: 'SIGKILL', signal, env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' }, windowsHide: true },
      (error, stdout) => (error ? reject(error) : resolve(String(stdout))),
    );
  });
}

/**
 * The installed gitlab-runner and its version. The binary is only executed on the live host
 * (root "/"): under another root it belongs to a different system (or a mounted image) and
 * running it would execute that system's code here.
 */
export async function runnerBinary(root: string, configured: string | undefined, unitBinaries: readonly string[], searched: SearchedLocation[], signal: AbortSignal): Promise<RunnerBinary> {
  // Process argv[0] is chosen by whoever started the process, so only the unit's ExecStart and fixed paths are candidates.
  const candidates = [...new Set([...(configured ? [configured] : []), ...unitBinaries.filter((b) => b.startsWith('/')), ...BINARY_CANDIDATES])];
  let found: string | null = null;
  for (const candidate of candidates) {
    let outcome: SearchedLocation['outcome'] = 'absent';
    try {
      const info = statUnderRoot(root, candidate, 'within-root');
      outcome = info ? (info.type === 'file' ? 'found' : 'refused') : 'absent';
    } catch {
      outcome = 'unreadable';
    }
    searched.push({ path: sanitize(candidate, 400), purpose: 'binary', source: 'binary-search', outcome });
    if (outcome === 'found') {
      found = candidate;
      break;
    }
  }
  if (!found) return { path: null, status: 'not-found', version: null, revision: null, message: null };
  const shown = sanitize(found, 400);
  if (root !== '/') return { path: shown, status: 'not-live', version: null, revision: null, message: 'not executed: the host root is not /' };
  if (!trustedToExecute(root, found)) return { path: shown, status: 'error', version: null, revision: null, message: 'not executed: the binary or its directory is not root-owned or is writable by others' };
  try {
    const parsed = parseVersionOutput(await runVersion(found, signal));
    if (!parsed.version) return { path: shown, status: 'error', version: null, revision: null, message: 'no Version: line in --version output' };
    return { path: shown, status: 'ok', version: sanitize(parsed.version, 40), revision: parsed.revision, message: null };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { path: shown, status: 'error', version: null, revision: null, message: `--version failed${typeof code === 'string' || typeof code === 'number' ? ` (${String(code)})` : ''}` };
  }
}
