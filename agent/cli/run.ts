import fs from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CHECKS, findCheck } from '../../checks/index.js';
import { ConfigError, loadConfig } from '../config/load.js';
import type { WardenConfig } from '../config/schema.js';
import type { Facts } from '../core/facts.js';
import type { ScanResult } from '../core/result.js';
import { collectForScan, judgeFacts, plan } from '../core/scan.js';
import { atOrAbove, isSeverity, type Severity } from '../core/severity.js';
import { TOOL_VERSION } from '../core/version.js';
import { nativeFileAccessProblem } from '../lib/dir-syscalls.js';
import { safeText } from '../lib/sanitize.js';
import { renderCatalog, renderExplain } from '../output/catalog.js';
import { renderJson } from '../output/json.js';
import { renderJunit } from '../output/junit.js';
import { renderSarif } from '../output/sarif.js';
import { renderTable } from '../output/table.js';
import { cliLogger } from './log.js';
import { progressReporter } from './progress.js';
import { USAGE } from './usage.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

/** Bad usage: printed as one line with a pointer to --help, exit 2. */
class UsageError extends Error {}

const FORMATS = ['table', 'json', 'sarif', 'junit'] as const;
type Format = (typeof FORMATS)[number];

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  root: { type: 'string' },
  config: { type: 'string' },
  output: { type: 'string', short: 'o' },
  'metadata-probes': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const SCAN_OPTIONS = {
  ...COMMON,
  format: { type: 'string', short: 'f' },
  'fail-on': { type: 'string' },
  only: { type: 'string', multiple: true },
  skip: { type: 'string', multiple: true },
  facts: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
} as const satisfies ParseArgsConfig['options'];

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, positionals = 0) {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument: ${parsed.positionals[positionals]}`);
    return parsed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

function list(values: string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

function writeOutput(text: string, file: string | undefined): void {
  if (file) fs.writeFileSync(file, text, { mode: 0o600 });
  else process.stdout.write(text);
}

/** The config with command-line overrides applied. */
function effectiveConfig(values: { config?: string; root?: string; 'metadata-probes'?: string }): WardenConfig {
  const { config } = loadConfig(values.config);
  if (values.root) config.scan.root = values.root;
  const probes = values['metadata-probes'];
  if (probes !== undefined) {
    if (probes !== 'auto' && probes !== 'always' && probes !== 'never') throw new UsageError(`--metadata-probes: expected auto, always or never, got ${probes}`);
    config.network.metadata_probes = probes;
  }
  if (!fs.existsSync(config.scan.root) || !fs.statSync(config.scan.root).isDirectory()) throw new UsageError(`--root: ${config.scan.root} is not a directory`);
  return config;
}

function readFacts(file: string): Facts {
  let facts: Facts;
  try {
    facts = JSON.parse(fs.readFileSync(file, 'utf8')) as Facts;
  } catch (error) {
    throw new UsageError(`--facts: cannot read ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (facts?.schemaVersion !== 1 || typeof facts.domains !== 'object' || !Array.isArray(facts.collectors)) {
    throw new UsageError(`--facts: ${file} is not a runner-warden facts snapshot (schemaVersion 1)`);
  }
  return facts;
}

function exitCode(result: ScanResult, failOn: Severity | 'none'): number {
  if (failOn !== 'none' && result.findings.some((f) => !f.suppressed && atOrAbove(f.severity, failOn))) return EXIT_FINDINGS;
  // A scan whose checks could not all run is not a clean bill of health.
  return result.summary.checks.error > 0 ? EXIT_ERROR : EXIT_OK;
}

function useColor(file: string | undefined): boolean {
  return !file && process.stdout.isTTY === true && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

async function scanCommand(args: string[]): Promise<number> {
  const { values } = parse(args, SCAN_OPTIONS);
  if (values.help) return help('scan');
  const format = (values.format ?? 'table') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got ${values.format}`);
  const failOn = values['fail-on'] ?? 'low';
  if (failOn !== 'none' && !isSeverity(failOn)) throw new UsageError(`--fail-on: expected critical, high, medium, low, info or none, got ${failOn}`);
  const only = list(values.only);
  const skip = list(values.skip);
  for (const name of [...only, ...skip]) {
    if (!CHECKS.some((c) => c.meta.id === name || c.meta.category === name)) throw new UsageError(`--only/--skip: no check or category named ${name}`);
  }
  const config = effectiveConfig(values);
  const log = cliLogger();
  const options = { config, log, only, skip };
  if (plan(options).checks.length === 0) throw new UsageError('--only/--skip leave no check to run');
  const progress = progressReporter(process.stderr);
  const facts = values.facts ? readFacts(values.facts) : await collectForScan({ ...options, onProgress: progress.update });
  progress.done();
  const result = judgeFacts(facts, options);
  const rendered =
    format === 'json'
      ? renderJson(result)
      : format === 'sarif'
        ? renderSarif(result, CHECKS)
        : format === 'junit'
          ? renderJunit(result)
          : renderTable(result, { color: useColor(values.output), verbose: values.verbose ?? false });
  writeOutput(rendered, values.output);
  return exitCode(result, failOn as Severity | 'none');
}

async function factsCommand(args: string[]): Promise<number> {
  const { values } = parse(args, COMMON);
  if (values.help) return help('facts');
  const config = effectiveConfig(values);
  const progress = progressReporter(process.stderr);
  const facts = await collectForScan({ config, log: cliLogger(), onProgress: progress.update });
  progress.done();
  writeOutput(`${JSON.stringify(facts, null, 2)}\n`, values.output);
  return facts.collectors.some((c) => c.status === 'error') ? EXIT_ERROR : EXIT_OK;
}

function checksCommand(args: string[]): number {
  const { values } = parse(args, { help: { type: 'boolean', short: 'h' } });
  if (values.help) return help('checks');
  process.stdout.write(renderCatalog(CHECKS));
  return EXIT_OK;
}

function explainCommand(args: string[]): number {
  const { values, positionals } = parse(args, { help: { type: 'boolean', short: 'h' } }, 1);
  if (values.help) return help('explain');
  const id = positionals[0];
  if (!id) throw new UsageError('explain needs a check id (see: runner-warden checks)');
  const check = findCheck(id);
  if (!check) throw new UsageError(`no check with id ${id} (see: runner-warden checks)`);
  process.stdout.write(renderExplain(check));
  return EXIT_OK;
}

function configCommand(args: string[]): number {
  const { values, positionals } = parse(args, { help: { type: 'boolean', short: 'h' } }, 2);
  if (values.help) return help('config');
  if (positionals[0] !== 'check' || !positionals[1]) throw new UsageError('usage: runner-warden config check FILE');
  loadConfig(positionals[1]);
  process.stdout.write(`${positionals[1]}: ok\n`);
  return EXIT_OK;
}

/** The version, and how files will be reached (scan.file_access = "auto"): what a bug report needs. */
function versionText(): string {
  const problem = nativeFileAccessProblem();
  return `runner-warden ${TOOL_VERSION}\nfile access: ${problem ? `portable (${problem})` : 'native'}\n`;
}

function help(command: string): number {
  process.stdout.write(USAGE[command] ?? USAGE.main ?? '');
  return EXIT_OK;
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'scan':
        return await scanCommand(rest);
      case 'facts':
        return await factsCommand(rest);
      case 'checks':
        return checksCommand(rest);
      case 'explain':
        return explainCommand(rest);
      case 'config':
        return configCommand(rest);
      case 'agent': {
        // Loaded on demand: a one-off scan need not pay for the scheduler and shipper.
        const { agentCommand } = await import('../daemon/command.js');
        return await agentCommand(rest);
      }
      case '--version':
      case 'version':
        process.stdout.write(versionText());
        return EXIT_OK;
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        return help('main');
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`runner-warden: config error: ${error.message}\n`);
      return EXIT_ERROR;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`runner-warden: ${safeText(error.message, 300)} (see: runner-warden ${command && USAGE[command] ? `${command} ` : ''}--help)\n`);
      return EXIT_ERROR;
    }
    throw error;
  }
}
