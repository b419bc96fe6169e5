/**
 * Seeds the Loki stand-in through its push API with LOG_STREAMS from fixtures.ts (deterministic lines, times
 * relative to the seed time). The seed time is kept in <info-file> from `up` to `down`, so re-seeding a restarted
 * stand-in reproduces exactly the same entries; a first seed starts at the Kubernetes seed time when that is
 * recent (scenarioTimeMs), so a log line "7 min before the seed" is the pod's termination of the cluster's seed.
 *
 *   node sandbox/obs/seed-logs.ts http://127.0.0.1:13100 .sandbox/data/loki/seed-info.json
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { entryTimestampNs, LOG_STREAMS, scenarioTimeMs } from './fixtures.ts';

async function main(): Promise<void> {
  const [url, infoFile] = process.argv.slice(2);
  if (!url || !infoFile) throw new Error('usage: seed-logs.ts <loki-url> <seed-info.json>');
  let seedTimeMs = scenarioTimeMs();
  if (existsSync(infoFile)) {
    const info = JSON.parse(readFileSync(infoFile, 'utf8')) as { seedTimeMs?: number };
    if (typeof info.seedTimeMs === 'number') seedTimeMs = info.seedTimeMs;
  }
  const byTenant = new Map<string, { stream: Record<string, string>; values: [string, string][] }[]>();
  for (const s of LOG_STREAMS) {
    const values = s.entries.map((e, i): [string, string] => [
      entryTimestampNs(seedTimeMs, s, i).toString(),
      e.line,
    ]);
    const list = byTenant.get(s.tenant) ?? [];
    list.push({ stream: s.labels, values });
    byTenant.set(s.tenant, list);
  }
  let lines = 0;
  for (const [tenant, streams] of byTenant) {
    const res = await fetch(`${url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-scope-orgid': tenant },
      body: JSON.stringify({ streams }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 204)
      throw new Error(`push for tenant ${tenant}: HTTP ${res.status}: ${await res.text()}`);
    lines += streams.reduce((n, s) => n + s.values.length, 0);
  }
  mkdirSync(dirname(infoFile), { recursive: true });
  writeFileSync(`${infoFile}.tmp`, `${JSON.stringify({ seedTimeMs }, null, 2)}\n`);
  renameSync(`${infoFile}.tmp`, infoFile);
  console.log(
    `loki seed: ${lines} lines in ${LOG_STREAMS.length} streams (${byTenant.size} tenants) relative to ${new Date(seedTimeMs).toISOString()}`,
  );
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
