import fs from 'node:fs';
import TOML from '@iarna/toml';
import type { z } from 'zod';
import { nativeFileAccessProblem } from '../lib/dir-syscalls.js';
import { safeErrorMessage, safeText } from '../lib/sanitize.js';
import { configSchema, defaultConfig, type WardenConfig } from './schema.js';

export const DEFAULT_CONFIG_PATH = '/etc/runner-warden/config.toml';
const MAX_CONFIG_BYTES = 1024 * 1024;

/** A config problem, phrased as one line: file, key, what was expected. */
export class ConfigError extends Error {}

function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(top level)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => keyPath([...issue.path, key]));
    return `${keys.join(', ')}: unknown key${keys.length > 1 ? 's' : ''}`;
  }
  if (issue.code === 'invalid_type') return `${keyPath(issue.path)}: expected ${issue.expected}`;
  if (issue.code === 'invalid_value') return `${keyPath(issue.path)}: expected one of ${issue.values.map(String).join(', ')}`;
  return `${keyPath(issue.path)}: ${issue.message}`;
}

/** Validates a parsed TOML document; throws ConfigError naming the file and the first bad key. */
export function validateConfig(document: unknown, file: string): WardenConfig {
  const result = configSchema.safeParse(document);
  if (result.success) return checkInstallation(result.data, file);
  const first = result.error.issues[0];
  throw new ConfigError(`${safeText(file)}: ${first ? safeText(describeIssue(first), 300) : 'invalid config'}`);
}

/** What the config asks of this installation, checked when it is loaded rather than mid-scan. */
function checkInstallation(config: WardenConfig, file: string): WardenConfig {
  const problem = config.scan.file_access === 'native' ? nativeFileAccessProblem() : null;
  if (problem) throw new ConfigError(`${safeText(file)}: scan.file_access = "native", but ${problem}`);
  return config;
}

export function parseConfigText(text: string, file: string): WardenConfig {
  let document: unknown;
  try {
    document = TOML.parse(text);
  } catch (error) {
    // @iarna/toml puts source lines (which could hold secrets) after the first line of its message.
    const where = error as { line?: number; col?: number };
    const position = typeof where.line === 'number' ? `:${where.line + 1}:${(where.col ?? 0) + 1}` : '';
    throw new ConfigError(`${safeText(file)}${position}: TOML syntax error: ${safeErrorMessage(error).replace(/ at row \d+, col \d+, pos \d+:?$/, '')}`);
  }
  return validateConfig(document, file);
}

/**
 * Loads the config. An explicitly named file must exist; the default path is optional
 * (no config file is needed for a scan).
 */
export function loadConfig(file: string | undefined): { config: WardenConfig; path: string | null } {
  const target = file ?? DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    const stats = fs.statSync(target);
    if (!stats.isFile()) throw new ConfigError(`${safeText(target)}: not a regular file`);
    if (stats.size > MAX_CONFIG_BYTES) throw new ConfigError(`${safeText(target)}: larger than ${MAX_CONFIG_BYTES} bytes`);
    text = fs.readFileSync(target, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (!file && (error as NodeJS.ErrnoException).code === 'ENOENT') return { config: defaultConfig(), path: null };
    throw new ConfigError(`${safeText(target)}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return { config: parseConfigText(text, target), path: target };
}
