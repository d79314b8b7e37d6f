import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { ensurePrivateDir, fsyncDir } from './durable.js';

/*
 * The disk spool: events wait here until the receiver acknowledges them.
 *
 * Segment files `NNNNNNNN.seg` hold CRC-framed records, appended and fdatasync'ed once per batch:
 *   magic 0xA6 0x17 | version u8 | kind u8 | length u32 LE | crc32(payload) u32 LE | payload
 * An `event` record's payload is the event JSON; an `ack` record's payload is a JSON array of the
 * event ids the receiver accepted. Replaying the segments in order gives the events still owed.
 * Segments are deleted oldest first, and only once nothing in them is owed, so an ack record is
 * never lost while the event it acknowledges is still on disk.
 */

const MAGIC_0 = 0xa6;
const MAGIC_1 = 0x17;
const FORMAT_VERSION = 1;
const HEADER_BYTES = 12;
const KIND_EVENT = 0;
const KIND_ACK = 1;
/** An event bigger than this is refused (events are one finding each: small). */
export const MAX_EVENT_BYTES = 64 * 1024;
/** Room kept for the spool.loss event written in the same batch that drops old segments. */
const LOSS_EVENT_RESERVE = 1024;

export interface SpoolEvent {
  id: string;
  /** The event, serialised as JSON. */
  json: string;
}

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  segmentBytes: number;
}

export interface RecoveryReport {
  /** Records skipped because their frame was damaged (bad magic, length or CRC). */
  corruptRecords: number;
  /** Bytes cut from the end of the newest segment (a write torn by a crash). */
  tornTailBytes: number;
}

interface Segment {
  seq: number;
  file: string;
  size: number;
  live: number;
}

interface Entry {
  segment: Segment;
  /** Offset of the payload in the segment file. */
  offset: number;
  length: number;
}

function frame(kind: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = MAGIC_0;
  header[1] = MAGIC_1;
  header[2] = FORMAT_VERSION;
  header[3] = kind;
  header.writeUInt32LE(payload.length, 4);
  header.writeUInt32LE(zlib.crc32(payload), 8);
  return Buffer.concat([header, payload]);
}

type Decoded =
  | { type: 'record'; kind: number; payload: Buffer; next: number }
  | { type: 'short' }
  | { type: 'bad' };

function decodeAt(data: Buffer, offset: number): Decoded {
  if (data.length - offset < HEADER_BYTES) return { type: 'short' };
  if (data[offset] !== MAGIC_0 || data[offset + 1] !== MAGIC_1 || data[offset + 2] !== FORMAT_VERSION) return { type: 'bad' };
  const kind = data[offset + 3] ?? -1;
  const length = data.readUInt32LE(offset + 4);
  if ((kind !== KIND_EVENT && kind !== KIND_ACK) || length > MAX_EVENT_BYTES * 8) return { type: 'bad' };
  const end = offset + HEADER_BYTES + length;
  if (end > data.length) return { type: 'short' };
  const payload = data.subarray(offset + HEADER_BYTES, end);
  if (zlib.crc32(payload) !== data.readUInt32LE(offset + 8)) return { type: 'bad' };
  return { type: 'record', kind, payload, next: end };
}

function nextMagic(data: Buffer, from: number): number {
  for (let i = from; i < data.length - 1; i++) if (data[i] === MAGIC_0 && data[i + 1] === MAGIC_1) return i;
  return -1;
}

function eventIdOf(payload: Buffer): string | null {
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as { event_id?: unknown };
    return typeof parsed.event_id === 'string' ? parsed.event_id : null;
  } catch {
    return null;
  }
}

function ackedIdsOf(payload: Buffer): string[] {
  try {
    const parsed: unknown = JSON.parse(payload.toString('utf8'));
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

export class Spool {
  private readonly dir: string;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private segments: Segment[] = [];
  /** Owed events, oldest first (Map keeps insertion order). */
  private readonly entries = new Map<string, Entry>();
  private activeFd: number | null = null;
  readonly recovery: RecoveryReport = { corruptRecords: 0, tornTailBytes: 0 };

  private constructor(options: SpoolOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes;
    // Dropping works a segment at a time: keep segments small next to the bound.
    this.segmentBytes = Math.max(4096, Math.min(options.segmentBytes, Math.floor(options.maxBytes / 4)));
  }

  /** Opens the spool, replaying its segments; damaged records are skipped and counted, never delivered. */
  static open(options: SpoolOptions): Spool {
    const spool = new Spool(options);
    ensurePrivateDir(options.dir);
    spool.recover();
    return spool;
  }

  /** Events still owed to the receiver. */
  get depth(): number {
    return this.entries.size;
  }

  /** Bytes on disk. */
  get bytes(): number {
    return this.segments.reduce((sum, segment) => sum + segment.size, 0);
  }

  /**
   * Appends events durably (one write, one fdatasync). Events whose id is already owed are not
   * written twice. When the bound would be passed, the oldest segments are dropped and
   * `lossEvent(count)` is written first in the same batch; returns how many events were dropped.
   */
  append(events: readonly SpoolEvent[], lossEvent: (lost: number) => SpoolEvent): number {
    const fresh = new Map<string, Buffer>();
    for (const event of events) {
      if (this.entries.has(event.id) || fresh.has(event.id)) continue;
      const payload = Buffer.from(event.json, 'utf8');
      if (payload.length > MAX_EVENT_BYTES) throw new Error(`event ${event.id} is larger than ${MAX_EVENT_BYTES} bytes`);
      fresh.set(event.id, payload);
    }
    if (fresh.size === 0) return 0;
    let needed = LOSS_EVENT_RESERVE;
    for (const payload of fresh.values()) needed += HEADER_BYTES + payload.length;

    const dropped: Segment[] = [];
    let remaining = this.bytes;
    for (const segment of this.segments) {
      if (remaining + needed <= this.maxBytes) break;
      dropped.push(segment);
      remaining -= segment.size;
    }
    const lost = dropped.reduce((sum, segment) => sum + segment.live, 0);
    const records: Array<{ id: string; payload: Buffer }> = [];
    if (lost > 0) {
      const loss = lossEvent(lost);
      records.push({ id: loss.id, payload: Buffer.from(loss.json, 'utf8') });
    }
    for (const [id, payload] of fresh) records.push({ id, payload });

    const active = this.segments.at(-1);
    if (!active || dropped.includes(active)) this.rotate();
    this.writeRecords(records);
    for (const segment of dropped) this.removeSegment(segment);
    if (dropped.length > 0) fsyncDir(this.dir);
    return lost;
  }

  /** The oldest owed events, up to a count and a serialised size (at least one event). */
  peek(maxEvents: number, maxBytes: number): SpoolEvent[] {
    const out: SpoolEvent[] = [];
    let bytes = 0;
    const fds = new Map<Segment, number>();
    try {
      for (const [id, entry] of this.entries) {
        if (out.length >= maxEvents || (out.length > 0 && bytes + entry.length > maxBytes)) break;
        let fd = fds.get(entry.segment);
        if (fd === undefined) {
          fd = entry.segment === this.segments.at(-1) && this.activeFd !== null ? this.activeFd : fs.openSync(entry.segment.file, 'r');
          fds.set(entry.segment, fd);
        }
        const payload = Buffer.alloc(entry.length);
        fs.readSync(fd, payload, 0, entry.length, entry.offset);
        out.push({ id, json: payload.toString('utf8') });
        bytes += entry.length;
      }
    } finally {
      for (const fd of fds.values()) if (fd !== this.activeFd) fs.closeSync(fd);
    }
    return out;
  }

  /** Records that the receiver accepted these ids; fully acknowledged old segments are deleted. */
  ack(ids: readonly string[]): void {
    const owed = [...new Set(ids)].filter((id) => this.entries.has(id));
    if (owed.length === 0) return;
    this.writeRecords([{ id: null, payload: Buffer.from(JSON.stringify(owed), 'utf8') }]);
    for (const id of owed) {
      const entry = this.entries.get(id);
      if (!entry) continue;
      entry.segment.live -= 1;
      this.entries.delete(id);
    }
    this.compact();
  }

  close(): void {
    if (this.activeFd !== null) fs.closeSync(this.activeFd);
    this.activeFd = null;
  }

  /**
   * Appends framed records to the active segment, moving on to a new segment when one would pass
   * the segment size; each segment's part is written with one write and made durable with one fdatasync.
   */
  private writeRecords(records: ReadonlyArray<{ id: string | null; payload: Buffer }>): void {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const added: string[] = [];
    const flush = (): void => {
      const active = this.segments.at(-1);
      if (!active || this.activeFd === null) throw new Error('spool has no active segment');
      const data = Buffer.concat(pending);
      let written = 0;
      while (written < data.length) written += fs.writeSync(this.activeFd, data, written, data.length - written, active.size + written);
      fs.fdatasyncSync(this.activeFd);
      active.size += data.length;
      pending = [];
      pendingBytes = 0;
    };
    try {
      if (this.segments.length === 0 || this.activeFd === null) this.rotate();
      for (const record of records) {
        const framed = frame(record.id === null ? KIND_ACK : KIND_EVENT, record.payload);
        const current = this.segments.at(-1) as Segment;
        if (current.size + pendingBytes > 0 && current.size + pendingBytes + framed.length > this.segmentBytes) {
          if (pending.length > 0) flush();
          this.rotate();
        }
        const segment = this.segments.at(-1) as Segment;
        if (record.id !== null) {
          this.entries.set(record.id, { segment, offset: segment.size + pendingBytes + HEADER_BYTES, length: record.payload.length });
          segment.live += 1;
          added.push(record.id);
        }
        pending.push(framed);
        pendingBytes += framed.length;
      }
      if (pending.length > 0) flush();
    } catch (error) {
      // Forget what did not reach the disk, so nothing half-written is ever read back.
      for (const id of added) {
        const entry = this.entries.get(id);
        if (entry && entry.offset >= entry.segment.size) {
          entry.segment.live -= 1;
          this.entries.delete(id);
        }
      }
      throw error;
    }
  }

  private rotate(): void {
    if (this.activeFd !== null) fs.closeSync(this.activeFd);
    const seq = (this.segments.at(-1)?.seq ?? 0) + 1;
    const file = path.join(this.dir, `${seq.toString(16).padStart(8, '0')}.seg`);
    this.activeFd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
    fsyncDir(this.dir);
    this.segments.push({ seq, file, size: 0, live: 0 });
  }

  private removeSegment(segment: Segment): void {
    if (segment === this.segments.at(-1) && this.activeFd !== null) {
      fs.closeSync(this.activeFd);
      this.activeFd = null;
    }
    for (const [id, entry] of this.entries) if (entry.segment === segment) this.entries.delete(id);
    fs.rmSync(segment.file, { force: true });
    this.segments = this.segments.filter((other) => other !== segment);
  }

  /** Deletes leading segments nothing is owed from; when nothing at all is owed, starts afresh. */
  private compact(): void {
    let removed = false;
    if (this.entries.size === 0) {
      for (const segment of [...this.segments]) this.removeSegment(segment);
      removed = this.segments.length === 0;
    } else {
      while (this.segments.length > 1 && this.segments[0]?.live === 0) {
        this.removeSegment(this.segments[0]);
        removed = true;
      }
    }
    if (removed) fsyncDir(this.dir);
  }

  private recover(): void {
    const names = fs
      .readdirSync(this.dir)
      .filter((name) => /^[0-9a-f]{8}\.seg$/.test(name))
      .sort();
    for (const [index, name] of names.entries()) {
      const file = path.join(this.dir, name);
      const stats = fs.lstatSync(file);
      if (!stats.isFile()) continue;
      const segment: Segment = { seq: Number.parseInt(name.slice(0, 8), 16), file, size: stats.size, live: 0 };
      this.segments.push(segment);
      const data = fs.readFileSync(file);
      let offset = 0;
      while (offset < data.length) {
        const decoded = decodeAt(data, offset);
        if (decoded.type === 'record') {
          if (decoded.kind === KIND_EVENT) {
            const id = eventIdOf(decoded.payload);
            if (id !== null && !this.entries.has(id)) {
              this.entries.set(id, { segment, offset: offset + HEADER_BYTES, length: decoded.payload.length });
              segment.live += 1;
            } else if (id === null) this.recovery.corruptRecords += 1;
          } else {
            for (const id of ackedIdsOf(decoded.payload)) {
              const entry = this.entries.get(id);
              if (!entry) continue;
              entry.segment.live -= 1;
              this.entries.delete(id);
            }
          }
          offset = decoded.next;
          continue;
        }
        const resume = nextMagic(data, offset + 1);
        if (index === names.length - 1 && resume === -1) {
          // A write torn by a crash at the end of the newest segment: cut it off.
          this.recovery.tornTailBytes += data.length - offset;
          fs.truncateSync(file, offset);
          segment.size = offset;
          break;
        }
        this.recovery.corruptRecords += 1;
        if (resume === -1) break;
        offset = resume;
      }
    }
    const active = this.segments.at(-1);
    if (active) this.activeFd = fs.openSync(active.file, fs.constants.O_RDWR | fs.constants.O_NOFOLLOW);
    this.compact();
  }
}
