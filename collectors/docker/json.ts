import { safeText } from '../../agent/lib/sanitize.js';

/**
 * Typed, defensive reads of Engine API JSON. The engine is the attacker's surface when a job
 * can reach docker.sock, so nothing is trusted to have the documented shape; every string is
 * sanitised and bounded on the way in.
 */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property, never one inherited through a hostile `__proto__` key. */
function own(value: unknown, key: string): unknown {
  return isObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

export function objectAt(value: unknown, key: string): Json | null {
  const found = own(value, key);
  return isObject(found) ? found : null;
}

export function textAt(value: unknown, key: string, max = 200): string {
  const found = own(value, key);
  return typeof found === 'string' ? safeText(found, max) : '';
}

export function boolAt(value: unknown, key: string): boolean {
  return own(value, key) === true;
}

export function numberAt(value: unknown, key: string): number | null {
  const found = own(value, key);
  return typeof found === 'number' && Number.isFinite(found) ? found : null;
}

/** String entries of an array (others dropped), sanitised, at most `maxItems`. */
export function textsAt(value: unknown, key: string, max = 200, maxItems = 256): string[] {
  const found = own(value, key);
  if (!Array.isArray(found)) return [];
  return found
    .filter((item): item is string => typeof item === 'string')
    .slice(0, maxItems)
    .map((item) => safeText(item, max));
}

/** Array entries that are objects, at most `maxItems`. */
export function objectsAt(value: unknown, key: string, maxItems = 1024): Json[] {
  const found = own(value, key);
  return Array.isArray(found) ? found.filter(isObject).slice(0, maxItems) : [];
}

/** String labels as a null-prototype map: keys like `__proto__` stay plain data. */
export function labelsAt(value: unknown, key: string): Map<string, string> {
  const labels = new Map<string, string>();
  const found = own(value, key);
  if (!isObject(found)) return labels;
  for (const [name, text] of Object.entries(found)) if (typeof text === 'string') labels.set(name, text);
  return labels;
}

/** Unix seconds or an ISO string to ISO 8601; null when absent or invalid. */
export function isoTime(value: unknown): string | null {
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}
