import { ConfigError } from '../config/load.js';
import { safeErrorMessage } from '../lib/sanitize.js';
import { Agent } from './agent.js';

const USAGE = `Usage: runner-warden agent [options]

Runs until stopped: a scan at start, then on agent.schedule (plus a random splay), each in a
supervised child process. Changes since the last scan become log events (stdout, JSON lines)
and, when agent.ship.url is set, are shipped through a disk spool in the state dir.

Options:
  --config <file>     config file (default /etc/runner-warden/config.toml, optional)
  --state-dir <dir>   state directory (overrides agent.state_dir)
  --once              one scan, ship what is owed, exit (0 delivered, 75 still spooled, 1 scan failed)
  --ship-timeout <s>  with --once: how long to try shipping (default 60)
  -h, --help          this help

Signals: SIGHUP reloads the config (a bad one is reported and the running one kept);
SIGTERM or SIGINT stops within a few seconds.
`;

interface AgentArgs {
  configPath?: string;
  stateDir?: string;
  once: boolean;
  shipTimeoutSeconds: number;
  help: boolean;
}

function parseArgs(args: string[]): AgentArgs {
  const parsed: AgentArgs = { once: false, shipTimeoutSeconds: 60, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? args[++i];
      if (next === undefined || next === '') throw new ConfigError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--config':
        parsed.configPath = value();
        break;
      case '--state-dir':
        parsed.stateDir = value();
        break;
      case '--once':
        parsed.once = true;
        break;
      case '--ship-timeout': {
        const seconds = Number(value());
        if (!Number.isFinite(seconds) || seconds < 0) throw new ConfigError('--ship-timeout needs a number of seconds');
        parsed.shipTimeoutSeconds = seconds;
        break;
      }
      case '-h':
      case '--help':
        parsed.help = true;
        break;
      default:
        throw new ConfigError(`unknown option ${arg.slice(0, 40)} (see runner-warden agent --help)`);
    }
  }
  return parsed;
}

/** Resolves when SIGTERM or SIGINT arrives; SIGHUP reloads meanwhile. */
function runUntilSignalled(agent: Agent): Promise<void> {
  return new Promise((resolve) => {
    let reloading = Promise.resolve();
    const onHup = (): void => {
      reloading = reloading.then(() => agent.reload());
    };
    const onStop = (): void => {
      process.off('SIGHUP', onHup);
      process.off('SIGTERM', onStop);
      process.off('SIGINT', onStop);
      void reloading.then(() => agent.stop()).then(resolve);
    };
    process.on('SIGHUP', onHup);
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
    agent.start();
  });
}

/** `runner-warden agent`: returns the exit code. */
export async function agentCommand(args: string[]): Promise<number> {
  let parsed: AgentArgs;
  let agent: Agent;
  try {
    parsed = parseArgs(args);
    if (parsed.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    agent = Agent.create({ configPath: parsed.configPath, ...(parsed.stateDir ? { stateDir: parsed.stateDir } : {}) });
  } catch (error) {
    process.stderr.write(`runner-warden agent: ${error instanceof ConfigError ? error.message : safeErrorMessage(error)}\n`);
    return 2;
  }
  if (!parsed.once) {
    await runUntilSignalled(agent);
    return 0;
  }
  const cycle = await agent.scanOnce();
  const delivered = await agent.drain(parsed.shipTimeoutSeconds * 1000);
  await agent.stop();
  if (!cycle.ok) return 1;
  return delivered ? 0 : 75;
}
