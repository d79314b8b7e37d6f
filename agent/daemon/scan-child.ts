/*
 * The scan child: one scan per process, supervised by the agent (supervisor.ts). It reads the
 * validated config as JSON on stdin, runs the scan, writes the ScanResult atomically to the file
 * named by --out and exits. A hang, a Buffer blow-up or a crash here costs one scan, never the
 * agent's shipping or schedule.
 */
import pino from 'pino';
import { configSchema } from '../config/schema.js';
import { runScan } from '../core/scan.js';
import { safeErrorMessage } from '../lib/sanitize.js';
import { writeFileAtomic } from './durable.js';
import { finalLine } from './logger.js';

const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_CONFIG_BYTES) throw new Error('config on stdin is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function main(argv: string[]): Promise<number> {
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  if (!out) {
    process.stderr.write('scan-child: --out <file> is required\n');
    return 2;
  }
  const config = configSchema.parse(JSON.parse(await readStdin()));
  const log = pino(
    { level: config.agent.log_level, base: { component: 'scan' }, messageKey: 'message', timestamp: pino.stdTimeFunctions.isoTime, hooks: { streamWrite: finalLine } },
    pino.destination({ dest: 1, sync: true }),
  );
  const result = await runScan({ config, log });
  writeFileAtomic(out, JSON.stringify(result));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`scan-child: ${safeErrorMessage(error)}\n`);
    process.exit(1);
  },
);
