import type { Check } from '../../agent/core/check.js';

/** Checks on network facts, one file each. */
export const networkChecks: Check[] = [];
