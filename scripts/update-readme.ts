// Rewrites the generated blocks of README.md (the configuration table). Run: npm run docs
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configTable } from '../src/config-table.ts';

const file = join(import.meta.dirname, '..', 'README.md');
const readme = readFileSync(file, 'utf8');
const next = readme.replace(
  /<!-- config-table:start -->\n[\s\S]*?\n<!-- config-table:end -->/,
  `<!-- config-table:start -->\n${configTable()}\n<!-- config-table:end -->`,
);
writeFileSync(file, next);
