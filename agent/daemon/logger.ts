import path from 'node:path';
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactSecrets } from '../lib/sanitize.js';
import { ensurePrivateDir } from './durable.js';
import { eventLevel, type WardenEvent } from './events.js';

/** journald splits lines longer than 48 KiB; keep every line well under. */
const MAX_LINE_CHARS = 16 * 1024;

export interface EventLogOptions {
  level: pino.Level;
  /** Also append the lines to this file. */
  file?: string;
  /** Where lines go instead of stdout (tests). */
  stream?: DestinationStream;
}

/** The last net under secret handling: every serialised line is scrubbed and bounded before it is written. */
export function finalLine(line: string): string {
  const scrubbed = redactSecrets(line);
  if (scrubbed.length <= MAX_LINE_CHARS) return scrubbed;
  // Too long to keep whole: keep a valid JSON line that says so.
  const head = JSON.parse(scrubbed) as Record<string, unknown>;
  return `${JSON.stringify({ level: head.level, time: head.time, event: head.event, event_id: head.event_id, message: 'log line truncated', truncated_chars: scrubbed.length })}\n`;
}

/**
 * pino JSON lines, one event per line, to stdout (journald) and optionally a file. The line's
 * `time` and `message` are the event's own; `level` is pino's number (60 fatal ... 30 info).
 */
export function createEventLogger(options: EventLogOptions): Logger {
  const streams: pino.StreamEntry[] = [{ level: 'trace', stream: options.stream ?? pino.destination({ dest: 1, sync: true }) }];
  if (options.file) {
    ensurePrivateDir(path.dirname(options.file));
    streams.push({ level: 'trace', stream: pino.destination({ dest: options.file, sync: true, mkdir: true }) });
  }
  return pino(
    {
      level: options.level,
      base: null,
      timestamp: false,
      messageKey: 'message',
      hooks: { streamWrite: finalLine },
    },
    pino.multistream(streams),
  );
}

/** Writes one event as one log line at the level its kind and severity call for. */
export function logEvent(log: Logger, event: WardenEvent): void {
  const { message, ...fields } = event;
  log[eventLevel(event)](fields, message);
}
