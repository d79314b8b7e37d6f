import { execFile } from 'node:child_process';
import { readFileUnderRoot, SafeFsError } from '../../agent/lib/safe-fs.js';
import { safeErrorMessage } from '../../agent/lib/sanitize.js';
import { parseIptablesSave, parseNftRuleset } from './firewall-rules.js';
import { METADATA_ADDRESSES } from './metadata-endpoints.js';
import type { FirewallFacts, FirewallSource, MetadataFirewallRule } from './types.js';

const MAX_RULESET_BYTES = 4 * 1024 * 1024;
const TOOL_TIMEOUT_MS = 5000;

/** A dump tool: where it may live, how to call it, how to read its output. */
interface RulesetTool {
  tool: 'iptables-save' | 'ip6tables-save' | 'nft';
  candidates: string[];
  args: string[];
  parse: (text: string) => MetadataFirewallRule[];
}

const TOOLS: readonly RulesetTool[] = [
  { tool: 'iptables-save', candidates: ['/usr/sbin/iptables-save', '/sbin/iptables-save', '/usr/bin/iptables-save'], args: [], parse: (text) => parseIptablesSave(text, 'iptables', METADATA_ADDRESSES) },
  { tool: 'ip6tables-save', candidates: ['/usr/sbin/ip6tables-save', '/sbin/ip6tables-save', '/usr/bin/ip6tables-save'], args: [], parse: (text) => parseIptablesSave(text, 'ip6tables', METADATA_ADDRESSES) },
  { tool: 'nft', candidates: ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft'], args: ['list', 'ruleset'], parse: (text) => parseNftRuleset(text, METADATA_ADDRESSES) },
];

/** Rules persisted for boot (iptables-persistent, nftables.service): what an offline image would load. */
const PERSISTED: readonly { tool: 'iptables-file' | 'nftables-file'; path: string; parse: (text: string) => MetadataFirewallRule[] }[] = [
  { tool: 'iptables-file', path: '/etc/iptables/rules.v4', parse: (text) => parseIptablesSave(text, 'iptables', METADATA_ADDRESSES) },
  { tool: 'iptables-file', path: '/etc/iptables/rules.v6', parse: (text) => parseIptablesSave(text, 'ip6tables', METADATA_ADDRESSES) },
  { tool: 'iptables-file', path: '/etc/sysconfig/iptables', parse: (text) => parseIptablesSave(text, 'iptables', METADATA_ADDRESSES) },
  { tool: 'nftables-file', path: '/etc/nftables.conf', parse: (text) => parseNftRuleset(text, METADATA_ADDRESSES) },
];

function runTool(binary: string, args: string[], signal: AbortSignal): Promise<{ text: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: TOOL_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: MAX_RULESET_BYTES, signal, encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' } }, (error, stdout) => {
      // Output past the bound is cut, not lost: judge what fits and say so.
      if ((error as { code?: unknown } | null)?.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') resolve({ text: stdout, truncated: true });
      else if (error) reject(error);
      else resolve({ text: stdout, truncated: false });
    });
  });
}

export interface FirewallInput {
  root: string;
  signal: AbortSignal;
  /** Finds an executable on the live host; injected so tests can say "absent". */
  findBinary: (candidates: readonly string[]) => string | null;
}

/**
 * On a live host ("/"), the rules in force from iptables-save, ip6tables-save and nft.
 * Under any other root, the rules persisted in that image's config files (nothing is executed).
 */
export async function collectFirewall(input: FirewallInput): Promise<FirewallFacts> {
  const sources: FirewallSource[] = [];
  const metadataRules: MetadataFirewallRule[] = [];
  if (input.root !== '/') {
    for (const persisted of PERSISTED) {
      try {
        const { data, truncated } = readFileUnderRoot(input.root, persisted.path, { maxBytes: MAX_RULESET_BYTES });
        metadataRules.push(...persisted.parse(data.toString('utf8')));
        sources.push({ tool: persisted.tool, path: persisted.path, status: 'read', truncated });
      } catch (error) {
        const absent = error instanceof SafeFsError && (error.code === 'not-found' || error.code === 'not-directory');
        sources.push({ tool: persisted.tool, path: persisted.path, status: absent ? 'absent' : 'failed', truncated: false, ...(absent ? {} : { message: safeErrorMessage(error) }) });
      }
    }
    return { sources, metadataRules };
  }
  await Promise.all(
    TOOLS.map(async (tool) => {
      const binary = input.findBinary(tool.candidates);
      if (!binary) {
        sources.push({ tool: tool.tool, path: tool.candidates[0] ?? tool.tool, status: 'absent', truncated: false });
        return;
      }
      try {
        const { text, truncated } = await runTool(binary, tool.args, input.signal);
        metadataRules.push(...tool.parse(text));
        sources.push({ tool: tool.tool, path: binary, status: 'read', truncated });
      } catch (error) {
        const failure = error as { killed?: boolean; code?: unknown };
        const message = failure.killed ? `timed out after ${TOOL_TIMEOUT_MS} ms` : typeof failure.code === 'number' ? `exited with ${failure.code}` : safeErrorMessage(error);
        sources.push({ tool: tool.tool, path: binary, status: 'failed', message, truncated: false });
      }
    }),
  );
  // The tools finish in any order; facts should not.
  sources.sort((a, b) => a.tool.localeCompare(b.tool));
  metadataRules.sort((a, b) => a.tool.localeCompare(b.tool) || a.table.localeCompare(b.table) || a.chain.localeCompare(b.chain) || a.text.localeCompare(b.text));
  return { sources, metadataRules };
}
