import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** tmpfs when there is one: hostile trees have hundreds of thousands of entries, and disks are slow to make and remove them. */
export function scratchBase(): string {
  return fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').isDirectory() ? '/dev/shm' : os.tmpdir();
}

/** A scratch tree with helpers for the hostile shapes jobs can leave behind. */
export class ScratchTree {
  readonly root: string;

  constructor(prefix = 'rw-tree-') {
    this.root = fs.mkdtempSync(path.join(scratchBase(), prefix));
  }

  path(...parts: (string | Buffer)[]): Buffer {
    return Buffer.concat([Buffer.from(this.root), ...parts.flatMap((p) => [Buffer.from('/'), typeof p === 'string' ? Buffer.from(p) : p])]);
  }

  dir(...parts: (string | Buffer)[]): this {
    fs.mkdirSync(this.path(...parts) as unknown as string, { recursive: true });
    return this;
  }

  file(content: string, ...parts: (string | Buffer)[]): this {
    fs.mkdirSync(this.path(...parts.slice(0, -1)) as unknown as string, { recursive: true });
    fs.writeFileSync(this.path(...parts) as unknown as string, content);
    return this;
  }

  symlink(target: string, ...parts: (string | Buffer)[]): this {
    fs.symlinkSync(target, this.path(...parts) as unknown as string);
    return this;
  }

  fifo(...parts: string[]): this {
    execFileSync('mkfifo', [this.path(...parts).toString()]);
    return this;
  }

  /** A chain of `depth` nested directories named `d`, built through /proc/self/fd (no path grows long). */
  deep(depth: number, ...parts: string[]): this {
    this.dir(...parts);
    let fd = fs.openSync(this.path(...parts) as unknown as string, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    for (let i = 0; i < depth; i++) {
      fs.mkdirSync(`/proc/self/fd/${fd}/d`);
      const next = fs.openSync(`/proc/self/fd/${fd}/d`, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      fs.closeSync(fd);
      fd = next;
    }
    fs.closeSync(fd);
    return this;
  }

  /** Removed with rm -rf: fs.rmSync gives up on deep trees. */
  cleanup(): void {
    execFileSync('rm', ['-rf', '--', this.root]);
  }
}
