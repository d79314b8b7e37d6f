import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** Network namespaces need root and iproute2; tests that create them are skipped elsewhere, saying why. */
export function netnsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces';
  for (const tool of ['/usr/sbin/ip', '/usr/bin/nsenter']) if (!fs.existsSync(tool) && !fs.existsSync(tool.replace('/usr', ''))) return `${tool} is missing (test/setup.d/30-network.sh installs it)`;
  return null;
}

/** A network namespace this test created: only its own traffic, addresses and rules live there. */
export class TestNamespace {
  private readonly children: ChildProcess[] = [];

  constructor(readonly name: string) {
    execFileSync('ip', ['netns', 'add', name]);
    this.run('ip', 'link', 'set', 'lo', 'up');
  }

  run(...argv: string[]): string {
    return execFileSync('ip', ['netns', 'exec', this.name, ...argv], { encoding: 'utf8' });
  }

  /** Starts a long-running process inside; `ip netns exec` execs it, so the pid is the process's own. */
  spawn(argv: string[], readyLine?: string): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', this.name, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    if (!readyLine) return Promise.resolve(child);
    return new Promise((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(readyLine)) resolve(child);
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`process in ${this.name} exited with ${code}: ${output}`)));
    });
  }

  destroy(): void {
    for (const child of this.children) child.kill('SIGKILL');
    execFileSync('ip', ['netns', 'del', this.name]);
  }
}

/** Joins two test namespaces with a veth pair and gives each end an address of our choosing. */
export function linkNamespaces(left: TestNamespace, leftCidr: string, right: TestNamespace, rightCidr: string, tag: string): void {
  const leftIf = `rwl${tag}`;
  const rightIf = `rwr${tag}`;
  execFileSync('ip', ['link', 'add', leftIf, 'netns', left.name, 'type', 'veth', 'peer', 'name', rightIf, 'netns', right.name]);
  left.run('ip', 'addr', 'add', leftCidr, 'dev', leftIf);
  right.run('ip', 'addr', 'add', rightCidr, 'dev', rightIf);
  left.run('ip', 'link', 'set', leftIf, 'up');
  right.run('ip', 'link', 'set', rightIf, 'up');
}
