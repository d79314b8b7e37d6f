import type { Check } from '../../agent/core/check.js';

/** Checks on docker facts, one file each. */
export const dockerChecks: Check[] = [];
