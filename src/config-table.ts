import { flagName, SETTINGS } from './config.ts';

/** The README's configuration table, generated from SETTINGS so the two cannot drift apart. */
export function configTable(): string {
  const rows = ['| environment variable | flag | default | meaning |', '|---|---|---|---|'];
  for (const s of SETTINGS as readonly { env: string; default?: string; help: string }[]) {
    const def = s.default === undefined || s.default === '' ? '' : `\`${s.default}\``;
    rows.push(`| \`${s.env}\` | \`${flagName(s.env)}\` | ${def} | ${s.help.replaceAll('|', '\\|')} |`);
  }
  return rows.join('\n');
}
