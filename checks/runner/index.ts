import type { Check } from '../../agent/core/check.js';

/** Checks on runner facts, one file each. */
export const runnerChecks: Check[] = [];
