import { safeText } from '../../agent/lib/sanitize.js';
import { parseAddress, prefixContains } from './ip.js';
import type { MetadataFirewallRule } from './types.js';

/** A drop/reject rule before we know which metadata addresses it covers and which hooks reach it. */
type CandidateRule = Omit<MetadataFirewallRule, 'covers' | 'hooks'> & { destinations: string[] };

/** Chain graph of one table: base chains with their hooks, and jumps between chains. */
interface ChainGraph {
  hooks: Map<string, string>;
  jumps: Map<string, Set<string>>;
}

function addJump(graph: ChainGraph, from: string, to: string): void {
  const targets = graph.jumps.get(from) ?? new Set<string>();
  targets.add(to);
  graph.jumps.set(from, targets);
}

/** Hooks whose packets can reach `chain`: its own, and those of every chain that jumps to it (transitively). */
function hooksReaching(graph: ChainGraph, chain: string): string[] {
  const found = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const hook = graph.hooks.get(name);
    if (hook) found.add(hook);
    for (const [from, targets] of graph.jumps) if (targets.has(name)) visit(from);
  };
  visit(chain);
  return [...found].sort();
}

function finish(candidates: { rule: CandidateRule; graph: ChainGraph }[], metadataAddresses: readonly string[]): MetadataFirewallRule[] {
  const rules: MetadataFirewallRule[] = [];
  for (const { rule, graph } of candidates) {
    const covers = metadataAddresses.filter((address) => rule.destinations.some((destination) => prefixContains(destination, address)));
    if (covers.length === 0) continue;
    const { destinations: _destinations, ...rest } = rule;
    // Names and matches are host text like any other: bounded and control-free in facts.
    rules.push({
      ...rest,
      table: safeText(rule.table, 120),
      chain: safeText(rule.chain, 120),
      destination: safeText(rule.destination, 200),
      source: rule.source === null ? null : safeText(rule.source, 200),
      inInterface: rule.inInterface === null ? null : safeText(rule.inInterface, 60),
      covers,
      hooks: hooksReaching(graph, `${rule.table}\u0000${rule.chain}`),
    });
  }
  return rules;
}

const IPTABLES_BUILTIN_HOOKS: Record<string, string> = { PREROUTING: 'prerouting', INPUT: 'input', FORWARD: 'forward', OUTPUT: 'output', POSTROUTING: 'postrouting' };

/** Splits an iptables-save rule line into words, keeping quoted comments whole. */
function words(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

/**
 * Drop/reject rules aimed at metadata addresses in `iptables-save` (or `ip6tables-save`, or a
 * persisted rules.v4/v6) output. A negated destination (`! -d`) is the opposite of a guard and is skipped.
 */
export function parseIptablesSave(text: string, tool: 'iptables' | 'ip6tables', metadataAddresses: readonly string[]): MetadataFirewallRule[] {
  let table = '';
  const graph: ChainGraph = { hooks: new Map(), jumps: new Map() };
  const candidates: { rule: CandidateRule; graph: ChainGraph }[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line.startsWith('*')) {
      table = line.slice(1);
      continue;
    }
    if (line.startsWith(':')) {
      const chain = line.slice(1).split(/\s+/)[0] ?? '';
      const hook = IPTABLES_BUILTIN_HOOKS[chain];
      if (hook) graph.hooks.set(`${table}\u0000${chain}`, hook);
      continue;
    }
    if (!line.startsWith('-A ')) continue;
    const parts = words(line);
    const chain = parts[1] ?? '';
    let destination: string | null = null;
    let source: string | null = null;
    let inInterface: string | null = null;
    let target: string | null = null;
    let negatedDestination = false;
    for (let index = 2; index < parts.length; index++) {
      const word = parts[index];
      const negated = parts[index - 1] === '!';
      const next = parts[index + 1] ?? null;
      if (word === '-d' || word === '--destination') {
        destination = next;
        negatedDestination = negated;
      } else if ((word === '-s' || word === '--source') && !negated) source = next;
      else if ((word === '-i' || word === '--in-interface') && !negated) inInterface = next;
      else if (word === '-j' || word === '--jump' || word === '-g' || word === '--goto') target = next;
    }
    if (target && !['DROP', 'REJECT', 'ACCEPT', 'RETURN', 'LOG', 'MASQUERADE', 'DNAT', 'SNAT', 'MARK', 'CONNMARK', 'NFLOG', 'TCPMSS', 'CT'].includes(target)) {
      addJump(graph, `${table}\u0000${chain}`, `${table}\u0000${target}`);
    }
    if ((target !== 'DROP' && target !== 'REJECT') || destination === null || negatedDestination) continue;
    candidates.push({
      graph,
      rule: {
        tool,
        table,
        chain,
        action: target === 'DROP' ? 'drop' : 'reject',
        destination,
        destinations: destination.split(','),
        source,
        inInterface,
        text: safeText(line, 300),
      },
    });
  }
  return finish(candidates, metadataAddresses);
}

/** Addresses in an nft match value: one address or prefix, or an anonymous set `{ a, b/16 }`. */
function nftAddresses(value: string): string[] {
  return value
    .replace(/[{}]/g, ' ')
    .split(/[\s,]+/)
    .filter((item) => item !== '' && parseAddress(item.split('/')[0] ?? '') !== null);
}

/**
 * Drop/reject rules aimed at metadata addresses in `nft list ruleset` output (or a persisted
 * /etc/nftables.conf in the same syntax). Negated matches (`!=`) are skipped.
 */
export function parseNftRuleset(text: string, metadataAddresses: readonly string[]): MetadataFirewallRule[] {
  let table = '';
  let chain = '';
  let depth = 0;
  const graph: ChainGraph = { hooks: new Map(), jumps: new Map() };
  const candidates: { rule: CandidateRule; graph: ChainGraph }[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const tableMatch = /^table\s+(\S+)\s+(\S+)\s*\{/.exec(line);
    if (tableMatch && depth === 0) {
      table = `${tableMatch[1]} ${tableMatch[2]}`;
      depth = 1;
      continue;
    }
    const chainMatch = /^chain\s+(\S+)\s*\{/.exec(line);
    if (chainMatch && depth === 1) {
      chain = chainMatch[1] ?? '';
      depth = 2;
      continue;
    }
    if (/^(?:set|map|flowtable|counter|quota|limit|ct|secmark|synproxy)\s+\S+\s*\{/.test(line) && depth === 1) {
      depth = 2;
      chain = '';
      continue;
    }
    if (line === '}') {
      depth = Math.max(0, depth - 1);
      if (depth < 2) chain = '';
      continue;
    }
    if (depth !== 2 || chain === '') continue;
    const key = `${table}\u0000${chain}`;
    const hook = /\bhook\s+(\w+)/.exec(line);
    if (/^type\s+/.test(line) && hook?.[1]) {
      graph.hooks.set(key, hook[1]);
      continue;
    }
    const jump = /\b(?:jump|goto)\s+(\S+)/.exec(line);
    if (jump?.[1]) addJump(graph, key, `${table}\u0000${jump[1].replace(/^"(.*)"$/, '$1')}`);
    const verdict = /\b(drop|reject)\b(?:\s+with\s+.*)?$/.exec(line);
    const daddr = /\bip6?\s+daddr\s+(!=\s*)?(\{[^}]*\}|\S+)/.exec(line);
    if (!verdict || !daddr || daddr[1]) continue;
    const destination = (daddr[2] ?? '').trim();
    const saddr = /\bip6?\s+saddr\s+(?!!=)(\{[^}]*\}|\S+)/.exec(line);
    const iifname = /\biifname\s+(?!!=)"?([^"\s]+)"?/.exec(line);
    candidates.push({
      graph,
      rule: {
        tool: 'nft',
        table,
        chain,
        action: verdict[1] === 'drop' ? 'drop' : 'reject',
        destination,
        destinations: nftAddresses(destination),
        source: saddr?.[1] ?? null,
        inInterface: iifname?.[1] ?? null,
        text: safeText(line, 300),
      },
    });
  }
  return finish(candidates, metadataAddresses);
}
