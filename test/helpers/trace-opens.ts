import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Every file the kernel opened for this process while `run` ran: strace attaches to the test
 * process itself (all its threads, and the threads native code starts), so opens made by the
 * native addon count as much as those made through Node's fs. The paths are the kernel's
 * (`-y`: what each new fd refers to), not what the code asked for.
 */
export async function traceOpens<T>(run: () => Promise<T>): Promise<{ result: T; opened: string[] }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-strace-'));
  const log = path.join(dir, 'opens.log');
  const tracer = spawn('strace', ['-f', '-y', '-qq', '-e', 'trace=open,openat,openat2,creat', '-e', 'status=successful', '-o', log, '-p', String(process.pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  tracer.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => tracer.on('exit', (code) => resolve(code)));
  try {
    await attached(() => stderr);
    const result = await run();
    return { result, opened: parseOpens(await stop(tracer, exited, log)) };
  } finally {
    if (tracer.exitCode === null) tracer.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function attached(stderr: () => string): Promise<void> {
  const started = Date.now();
  while (!/TracerPid:\s+[1-9]/.test(fs.readFileSync('/proc/self/status', 'utf8'))) {
    if (Date.now() - started > 10_000) throw new Error(`strace did not attach: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function stop(tracer: ReturnType<typeof spawn>, exited: Promise<number | null>, log: string): Promise<string> {
  tracer.kill('SIGINT');
  await exited;
  return fs.readFileSync(log, 'utf8');
}

/** `1234 openat(3</a>, "b", O_RDONLY) = 5</a/b>` -> '/a/b'. */
function parseOpens(log: string): string[] {
  const opened: string[] = [];
  for (const line of log.split('\n')) {
    const match = / = \d+<(.*)>$/.exec(line);
    if (match) opened.push(match[1] as string);
  }
  return opened;
}

/**
 * Opens that are neither under `root` nor the test process's own business (its code, Node's
 * runtime, /proc and /sys, which Node reads for itself).
 */
export function opensOutside(opened: readonly string[], root: string): string[] {
  const own = [process.cwd(), '/proc', '/sys', '/usr/lib', '/lib', '/dev/null', '/dev/urandom'];
  const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);
  return opened.filter((p) => !under(p, root) && !own.some((dir) => under(p, dir)));
}
