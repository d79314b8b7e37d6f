import type { IneffectiveKey } from './types.js';
import { CONFIG_SCHEMA, REGISTRATION_ONLY_KEYS, REMOVED_KEYS, type KeySpec, type TableSchema } from './schema.js';

/** A TOML table after canonicalisation: keys renamed to the runner's spelling, ignored keys removed. */
export type Table = { [key: string]: unknown };

export function isTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Where each known key belongs, to tell a misplaced key from an unknown one. */
const KNOWN_LOCATIONS: ReadonlyMap<string, string> = (() => {
  const locations = new Map<string, string>();
  const visit = (schema: TableSchema, at: string): void => {
    for (const [key, spec] of Object.entries(schema.keys)) {
      const lower = key.toLowerCase();
      const where = at ? `${at}.${key}` : key;
      if (!locations.has(lower)) locations.set(lower, where);
      const inner = Array.isArray(spec) ? spec[0] : spec;
      if (typeof inner === 'object') visit(inner as TableSchema, where);
    }
  };
  visit(CONFIG_SCHEMA, '');
  return locations;
})();

function abstractPath(path: string): string {
  return path.replace(/\[\d+\]/g, '');
}

function classify(path: string, key: string): Pick<IneffectiveKey, 'reason' | 'hint'> {
  const lower = key.toLowerCase();
  const removed = Object.hasOwn(REMOVED_KEYS, abstractPath(path)) ? REMOVED_KEYS[abstractPath(path)] : undefined;
  const removedHit = removed && Object.entries(removed).find(([name]) => name.toLowerCase() === lower);
  if (removedHit) return { reason: 'removed', hint: removedHit[1] };
  if (abstractPath(path) === 'runners' && Object.hasOwn(REGISTRATION_ONLY_KEYS, lower)) return { reason: 'registration-only', hint: REGISTRATION_ONLY_KEYS[lower] ?? null };
  const elsewhere = KNOWN_LOCATIONS.get(lower);
  if (elsewhere) return { reason: 'misplaced', hint: elsewhere };
  return { reason: 'unknown', hint: null };
}

function findSpec(schema: TableSchema, key: string): [string, KeySpec] | null {
  // Own keys only: "__proto__" or "constructor" in a hostile file must not match Object.prototype members.
  if (Object.hasOwn(schema.keys, key)) return [key, schema.keys[key] as KeySpec];
  const lower = key.toLowerCase();
  for (const [name, spec] of Object.entries(schema.keys)) if (name.toLowerCase() === lower) return [name, spec];
  return null;
}

/**
 * Rewrites a parsed config the way the runner decodes it: known keys matched exactly, then
 * case-insensitively, and stored under the runner's spelling; everything else dropped and listed.
 * When two spellings of one key are present, the exact spelling wins and the other is listed.
 */
export function canonicalize(document: Table): { config: Table; ineffective: Omit<IneffectiveKey, 'line'>[] } {
  const ineffective: Omit<IneffectiveKey, 'line'>[] = [];
  const walk = (raw: Table, schema: TableSchema, path: string): Table => {
    const out: Table = Object.create(null) as Table;
    const exactFirst = Object.keys(raw).sort((a, b) => Number(Object.hasOwn(schema.keys, b)) - Number(Object.hasOwn(schema.keys, a)));
    for (const key of exactFirst) {
      const value = raw[key];
      const found = findSpec(schema, key);
      if (!found) {
        ineffective.push({ table: path, key, ...classify(path, key) });
        continue;
      }
      const [name, spec] = found;
      if (name in out) {
        ineffective.push({ table: path, key, reason: 'shadowed', hint: name });
        continue;
      }
      const where = path ? `${path}.${name}` : name;
      if (Array.isArray(spec)) {
        // An array of tables; a single table written as [runners.x] is not what the runner expects: keep arrays only.
        out[name] = Array.isArray(value) ? value.filter(isTable).map((item, index) => walk(item, spec[0], `${where}[${index}]`)) : [];
      } else if (typeof spec === 'object') {
        out[name] = isTable(value) ? walk(value, spec as TableSchema, where) : Object.create(null);
      } else {
        out[name] = value;
      }
    }
    return out;
  };
  return { config: walk(document, CONFIG_SCHEMA, ''), ineffective };
}
