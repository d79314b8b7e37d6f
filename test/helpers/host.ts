import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface FileSpec {
  content: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
}

/** A synthetic host root in a temp dir: write files by host path, scan it with --root. */
export class SyntheticHost {
  readonly root: string;

  constructor(prefix = 'rw-host-') {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  }

  path(hostPath: string): string {
    return path.join(this.root, hostPath);
  }

  write(hostPath: string, spec: string | Buffer | FileSpec): this {
    const file = typeof spec === 'string' || Buffer.isBuffer(spec) ? { content: spec } : spec;
    const target = this.path(hostPath);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
    if (file.mode !== undefined) fs.chmodSync(target, file.mode);
    if (file.uid !== undefined || file.gid !== undefined) fs.chownSync(target, file.uid ?? 0, file.gid ?? 0);
    return this;
  }

  mkdir(hostPath: string, mode?: number): this {
    fs.mkdirSync(this.path(hostPath), { recursive: true });
    if (mode !== undefined) fs.chmodSync(this.path(hostPath), mode);
    return this;
  }

  symlink(hostPath: string, target: string): this {
    fs.mkdirSync(path.dirname(this.path(hostPath)), { recursive: true });
    fs.symlinkSync(target, this.path(hostPath));
    return this;
  }

  /** The minimum a host has: hostname and machine-id. */
  withIdentity(hostname = 'runner-01', machineId = '0123456789abcdef0123456789abcdef'): this {
    return this.write('/etc/hostname', `${hostname}\n`).write('/etc/machine-id', `${machineId}\n`);
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
