/** The arguments of `gitlab-runner run` that decide where the config is and who jobs run as. */
export interface RunArguments {
  /** True when the command is `gitlab-runner ... run` (not register, verify, run-single...). */
  isRun: boolean;
  binary: string | null;
  config: string | null;
  workingDirectory: string | null;
  user: string | null;
  listenAddress: string | null;
}

const OPTION_NAMES: Record<string, keyof Omit<RunArguments, 'isRun' | 'binary'>> = {
  '--config': 'config',
  '-c': 'config',
  '--working-directory': 'workingDirectory',
  '-d': 'workingDirectory',
  '--user': 'user',
  '-u': 'user',
  '--listen-address': 'listenAddress',
};

// Global options that take a value and may come before the command.
const GLOBAL_FLAGS_WITH_VALUE = new Set(['--log-level', '-l', '--log-format', '--cpuprofile']);

/** Parses argv of a gitlab-runner process; `--flag value` and `--flag=value` forms, as urfave/cli accepts. */
export function parseRunArguments(argv: readonly string[]): RunArguments {
  const result: RunArguments = { isRun: false, binary: argv[0] ?? null, config: null, workingDirectory: null, user: null, listenAddress: null };
  const binaryName = (argv[0] ?? '').split('/').pop() ?? '';
  if (!/gitlab-(?:ci-multi-)?runner/.test(binaryName)) return result;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('-') && eq > 0 ? arg.slice(0, eq) : arg;
    const field = OPTION_NAMES[name];
    if (field) {
      const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : argv[++i];
      if (value !== undefined) result[field] = value;
      continue;
    }
    if (GLOBAL_FLAGS_WITH_VALUE.has(name)) {
      if (name === arg) i++;
      continue;
    }
    if (!arg.startsWith('-') && !result.isRun) {
      // The first positional word is the command (run, register, run-single...): only `run` reads config.toml as a service.
      if (arg !== 'run') break;
      result.isRun = true;
    }
  }
  return result;
}

/** Splits a systemd ExecStart= value into argv (double/single quotes, backslash escapes; prefixes like `-`, `@`, `+`, `!` dropped). */
export function splitExecStart(value: string): string[] {
  const args: string[] = [];
  let current = '';
  let quote: string | null = null;
  let started = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '\\' && i + 1 < value.length) {
      current += value[++i];
      started = true;
    } else if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) args.push(current), (current = ''), (started = false);
    } else {
      current += ch;
      started = true;
    }
  }
  if (started) args.push(current);
  if (args[0]) args[0] = args[0].replace(/^[-@+!:]+/, '');
  return args;
}
