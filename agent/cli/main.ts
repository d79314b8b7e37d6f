#!/usr/bin/env node
import { safeErrorMessage } from '../lib/sanitize.js';
import { runCli } from './run.js';

// Scans can leave abandoned collector work behind (a hung socket, a timed-out probe):
// exit explicitly once the report is written instead of waiting for it.
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`runner-warden: internal error: ${safeErrorMessage(error)}\n`);
    process.exit(2);
  },
);
