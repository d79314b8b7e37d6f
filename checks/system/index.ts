import type { Check } from '../../agent/core/check.js';

/** Checks on system facts, one file each. */
export const systemChecks: Check[] = [];
