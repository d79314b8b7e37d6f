import { afterAll, beforeAll } from 'vitest';
import { useFileAccess, type FileAccessMode } from '../../agent/lib/dir-syscalls.js';

/** Both ways safe-fs reaches files: suites that judge file access run once with each. */
export const FILE_ACCESS_MODES: readonly FileAccessMode[] = ['native', 'portable'];

/** Runs the enclosing describe block with `mode`, and goes back to 'auto' after it. */
export function withFileAccess(mode: FileAccessMode): void {
  beforeAll(() => {
    useFileAccess(mode);
  });
  afterAll(() => {
    useFileAccess('auto');
  });
}
