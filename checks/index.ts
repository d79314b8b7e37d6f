import type { Check } from '../agent/core/check.js';
import { dockerChecks } from './docker/index.js';
import { networkChecks } from './network/index.js';
import { runnerChecks } from './runner/index.js';
import { systemChecks } from './system/index.js';

/** The catalog: every check, sorted by id. Ids are unique (a test enforces it). */
export const CHECKS: readonly Check[] = [...runnerChecks, ...dockerChecks, ...systemChecks, ...networkChecks].sort((a, b) => a.meta.id.localeCompare(b.meta.id));

export function findCheck(id: string): Check | undefined {
  return CHECKS.find((check) => check.meta.id === id);
}
