import pino, { type Logger } from 'pino';

/** CLI diagnostics go to stderr as JSON lines, quiet unless RUNNER_WARDEN_LOG_LEVEL says otherwise. */
export function cliLogger(): Logger {
  const level = process.env.RUNNER_WARDEN_LOG_LEVEL ?? 'error';
  return pino({ level, base: { tool: 'runner-warden' } }, pino.destination({ fd: 2, sync: true }));
}
