import type { ScanResult } from '../core/result.js';

/** The documented JSON shape (docs/output.md): the ScanResult itself, keys in a fixed order. */
export function renderJson(result: ScanResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
