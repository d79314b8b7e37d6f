/**
 * Best-effort line numbers for keys, so an ineffective key can be shown as file:line without
 * quoting the file. The TOML parser gives no positions for keys; a light scan of table headers
 * and `key =` lines is enough for the hand-written configs this looks at. Keys in inline tables
 * or dotted keys get no line (null) rather than a wrong one.
 */

function splitHeader(header: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (const ch of header) {
    if (quote) {
      if (ch === quote) quote = null;
      else current += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '.') parts.push(current.trim()), (current = '');
    else current += ch;
  }
  parts.push(current.trim());
  return parts.map((part) => part.toLowerCase());
}

/** Maps concrete table paths (`runners[1].docker`, lower-cased) to the line ranges of their bodies. */
export class KeyLineIndex {
  private readonly lines: string[];
  private readonly regions = new Map<string, { start: number; end: number }[]>();

  constructor(text: string) {
    this.lines = text.split('\n');
    const arrayIndex = new Map<string, number>();
    let currentPath = '';
    let regionStart = 0;
    let multiline: string | null = null;
    const close = (end: number): void => {
      const list = this.regions.get(currentPath) ?? [];
      list.push({ start: regionStart, end });
      this.regions.set(currentPath, list);
    };
    this.lines.forEach((line, number) => {
      if (multiline) {
        if (line.split(multiline).length % 2 === 0) multiline = null;
        return;
      }
      const triple = /"""|'''/.exec(line);
      if (triple && line.split(triple[0]).length % 2 === 0) multiline = triple[0];
      const header = /^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/.exec(line);
      if (!header) return;
      close(number);
      const segments = splitHeader(header[2] as string);
      const isArray = header[1] === '[[';
      const abstract = segments.join('.');
      if (isArray) {
        arrayIndex.set(abstract, (arrayIndex.get(abstract) ?? -1) + 1);
        for (const key of [...arrayIndex.keys()]) if (key.startsWith(`${abstract}.`)) arrayIndex.delete(key);
      }
      let concrete = '';
      let prefix = '';
      for (const segment of segments) {
        prefix = prefix ? `${prefix}.${segment}` : segment;
        concrete = concrete ? `${concrete}.${segment}` : segment;
        const index = arrayIndex.get(prefix);
        if (index !== undefined) concrete += `[${index}]`;
      }
      currentPath = concrete;
      regionStart = number + 1;
    });
    close(this.lines.length);
  }

  /** 1-based line of `key =` in the table at `tablePath` (as written in IneffectiveKey.table), or null. */
  lineOf(tablePath: string, key: string): number | null {
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`^\\s*(?:"${escaped}"|'${escaped}'|${escaped})\\s*=`);
    for (const region of this.regions.get(tablePath.toLowerCase()) ?? []) {
      for (let i = region.start; i < region.end; i++) if (pattern.test(this.lines[i] as string)) return i + 1;
    }
    return null;
  }
}
