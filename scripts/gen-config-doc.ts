import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderConfigDoc } from '../agent/output/config-doc.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const target = path.join(repo, 'docs', 'config.md');
fs.writeFileSync(target, renderConfigDoc());
process.stdout.write(`wrote ${path.relative(repo, target)}\n`);
