import { sanitize } from '../../agent/lib/sanitize.js';
import { isTable, type Table } from './canonical.js';

/**
 * Typed reads of canonical config tables. A wrong type reads as unset (the runner would reject the file).
 * Strings are control-stripped and bounded but not redacted: they are paths, modes and image names
 * that checks match on. Keys that hold secrets are never read through these helpers.
 */

export function text(table: Table | undefined, key: string, max = 300): string | null {
  const value = table?.[key];
  return typeof value === 'string' && value !== '' ? sanitize(value, max) : null;
}

export function flag(table: Table | undefined, key: string): boolean | null {
  const value = table?.[key];
  return typeof value === 'boolean' ? value : null;
}

export function integer(table: Table | undefined, key: string): number | null {
  const value = table?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
}

/** An array of strings; a plain string counts as a one-element list (the runner's StringOrArray). */
export function list(table: Table | undefined, key: string, max = 200): string[] {
  const value = table?.[key];
  const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return items.slice(0, 500).map((item) => sanitize(item, max));
}

export function sub(table: Table | undefined, key: string): Table | undefined {
  const value = table?.[key];
  return isTable(value) ? value : undefined;
}

export function tables(table: Table | undefined, key: string): Table[] {
  const value = table?.[key];
  return Array.isArray(value) ? value.filter(isTable) : [];
}

