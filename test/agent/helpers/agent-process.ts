import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SyntheticHost } from '../../helpers/host.js';
import { DIST_COMMAND, REPO } from './build.js';

export interface LogLine {
  level?: number;
  event?: string;
  event_id?: string;
  message?: string;
  [field: string]: unknown;
}

/** A temp dir with a synthetic host, a state dir and a config for a fast, side-effect-free agent. */
export class AgentSandbox {
  readonly dir: string;
  readonly host: SyntheticHost;
  readonly stateDir: string;
  readonly configPath: string;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-agent-'));
    this.host = new SyntheticHost().withIdentity('runner-07');
    this.stateDir = path.join(this.dir, 'state');
    this.configPath = path.join(this.dir, 'config.toml');
  }

  /** A runner config the catalog finds fault with (privileged, docker.sock mounted). */
  withRiskyRunner(): this {
    this.host.write('/etc/gitlab-runner/config.toml', {
      content: [
        'concurrent = 2',
        '[[runners]]',
        '  name = "risky"',
        '  url = "https://gitlab.example.com"',
        '  token = "glrt-sandboxSANDBOXsandbox12"',
        '  executor = "docker"',
        '  [runners.docker]',
        '    image = "alpine:3"',
        '    privileged = true',
        '    volumes = ["/var/run/docker.sock:/var/run/docker.sock"]',
        '',
      ].join('\n'),
      mode: 0o600,
    });
    return this;
  }

  /** Writes the config: a scan of the synthetic host that touches nothing real, plus `extra` TOML for [agent]/[agent.ship]. */
  writeConfig(agent: Record<string, string | number | boolean>, ship: Record<string, string | number | boolean> = {}): void {
    const toml = (values: Record<string, string | number | boolean>): string =>
      Object.entries(values)
        .map(([key, value]) => `${key} = ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`)
        .join('\n');
    fs.writeFileSync(
      this.configPath,
      [
        '[scan]',
        `root = ${JSON.stringify(this.host.root)}`,
        '[network]',
        'metadata_probes = "never"',
        '[docker]',
        // Enabled, but at a socket that does not exist: the collector reports no engine at once.
        `socket = ${JSON.stringify(path.join(this.dir, 'no-docker.sock'))}`,
        '[agent]',
        toml({ schedule: '*/1 * * * * *', splay_seconds: 0, ...agent }),
        '[agent.ship]',
        toml(ship),
        '',
      ].join('\n'),
    );
  }

  cleanup(): void {
    this.host.cleanup();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The agent as a real process (the CLI entry the lead wires calls the same agentCommand). */
export class AgentProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** `launcher` runs before node (for example `unshare -m sh -c '…; exec "$@"'`). */
  constructor(args: string[], launcher: string[] = []) {
    const script = `import(${JSON.stringify(DIST_COMMAND)}).then((m) => m.agentCommand(process.argv.slice(1))).then((code) => process.exit(code))`;
    const command = [...launcher, process.execPath, '--input-type=module', '-e', script, '--', ...args];
    this.child = spawn(command[0] ?? process.execPath, command.slice(1), { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.stdout += text;
      partial += text;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      for (const part of parts) {
        try {
          this.lines.push(JSON.parse(part) as LogLine);
        } catch {
          this.lines.push({ message: `UNPARSEABLE: ${part}` });
        }
      }
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  static start(sandbox: AgentSandbox, launcher: string[] = []): AgentProcess {
    return new AgentProcess(['--config', sandbox.configPath, '--state-dir', sandbox.stateDir], launcher);
  }

  events(name: string): LogLine[] {
    return this.lines.filter((line) => line.event === name);
  }

  async waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; stderr: ${this.stderr.slice(-500)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** Resident memory of a process in MiB (from /proc). */
export function processRssMb(pid: number): number {
  const match = /^VmRSS:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}
