#!/usr/bin/env node
import { safeErrorMessage } from '../lib/sanitize.js';
import { runCli } from './run.js';

/**
 * Scans can leave abandoned collector work behind (a hung socket, a timed-out probe), so the
 * process exits explicitly instead of waiting for it; but only once stdout has handed the
 * whole report to the OS: writes are ordered, so an empty write's callback means all earlier
 * ones are done (a slow reader on a pipe otherwise got only the first 64 KiB).
 */
function exitAfterOutput(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

runCli(process.argv.slice(2)).then(exitAfterOutput, (error: unknown) => {
  process.stderr.write(`runner-warden: internal error: ${safeErrorMessage(error)}\n`);
  exitAfterOutput(2);
});
