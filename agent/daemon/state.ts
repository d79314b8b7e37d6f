import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { SEVERITIES } from '../core/severity.js';
import type { DiffState } from './diff.js';
import { ensurePrivateDir, readSmallFile, writeFileAtomic } from './durable.js';

const MAX_STATE_BYTES = 64 * 1024 * 1024;

const trackedSchema = z.object({
  checkId: z.string(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(['open', 'suppressed']),
  subject: z.object({ kind: z.string(), id: z.string() }),
  runner: z.object({ name: z.string(), id: z.string().nullable() }).nullable(),
});

const stateSchema = z.object({
  version: z.literal(1),
  generation: z.number().int().min(0),
  findings: z.record(z.string(), trackedSchema),
});

/** Files of the state dir. Everything the agent writes lives here (plus the optional log file). */
export class StateDir {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
    ensurePrivateDir(dir);
  }

  get spoolDir(): string {
    return path.join(this.dir, 'spool');
  }

  private get stateFile(): string {
    return path.join(this.dir, 'state.json');
  }

  /** The agent's own identity, random and kept across restarts (machine-id is cloned with images). */
  hostId(): string {
    const file = path.join(this.dir, 'host-id');
    const existing = readSmallFile(file, 128)?.toString('utf8').trim();
    if (existing && /^[0-9a-f-]{36}$/.test(existing)) return existing;
    const id = randomUUID();
    writeFileAtomic(file, `${id}\n`);
    return id;
  }

  /**
   * The last differential state; null when it is missing (first run, or the state dir was lost).
   * A damaged file also counts as lost: the next scan re-sends everything, flagged.
   */
  loadDiff(): DiffState | null {
    const raw = readSmallFile(this.stateFile, MAX_STATE_BYTES);
    if (raw === null) return null;
    try {
      const parsed = stateSchema.safeParse(JSON.parse(raw.toString('utf8')));
      return parsed.success ? (parsed.data as DiffState) : null;
    } catch {
      return null;
    }
  }

  saveDiff(state: DiffState): void {
    writeFileAtomic(this.stateFile, JSON.stringify(state));
  }
}
