import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

/** The sandbox's `.sandbox/env` as a map; throws when the sandbox was never brought up. */
export function sandboxEnv(): Record<string, string> {
  const file = join(ROOT, '.sandbox', 'env');
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run sandbox:up`);
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}
