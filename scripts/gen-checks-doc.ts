import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKS } from '../checks/index.js';
import { renderChecksDoc } from '../agent/output/catalog.js';

// Run from dist/scripts/: the repo root is two levels up.
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const target = path.join(repo, 'docs', 'checks.md');
fs.writeFileSync(target, renderChecksDoc(CHECKS));
process.stdout.write(`wrote ${path.relative(repo, target)} (${CHECKS.length} checks)\n`);
