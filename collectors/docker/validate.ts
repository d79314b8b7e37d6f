import { isObject } from './json.js';

/** Checks the shape checks rely on; returns what is wrong, or null. */
export function validateDockerFacts(value: unknown): string | null {
  if (!isObject(value)) return 'expected an object';
  if (typeof value.available !== 'boolean') return 'available must be a boolean';
  if (typeof value.endpoint !== 'string') return 'endpoint must be a string';
  for (const key of ['containers', 'images', 'runnerVolumes', 'problems'] as const) if (!Array.isArray(value[key])) return `${key} must be an array`;
  if (!isObject(value.daemon) || !Array.isArray(value.daemon.hosts)) return 'daemon.hosts must be an array';
  if (!isObject(value.self)) return 'self must be an object';
  if (value.available === true && !isObject(value.engine)) return 'an available engine needs engine facts';
  return null;
}
