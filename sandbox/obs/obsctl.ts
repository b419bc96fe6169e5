/**
 * Helpers for sandbox/obs/up.sh and down.sh that are easier in TypeScript than in bash.
 *
 *   obsctl.ts anchor <anchor.json> <tsdb-dir> [prometheus-running]   keep (or start) the scenario anchor
 *   obsctl.ts gen-config <prometheus.yml> <rules.yml>
 *   obsctl.ts backfill <tsdb-dir> <anchor.json> <filled-until.json>
 *   obsctl.ts mark-filled <filled-until.json>       Prometheus stopped: its own data covers up to now
 *   obsctl.ts ntfy-seed <seed.json> <seed-info.json> <token-file>
 *   obsctl.ts ensure-silence <alertmanager-url>
 *   obsctl.ts wait-alerts <prometheus-url> <alertmanager-url> <timeout-seconds>
 *   obsctl.ts alerts <prometheus-url> <alertmanager-url> <timeout-seconds>   ensure-silence, then wait-alerts
 */
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORTER_TARGETS, labelPairs, targetSamples } from './exporter.ts';
import {
  type AlertFixture,
  BACKFILL_DAYS,
  expectedAlerts,
  kubeSeedTimeMs,
  NTFY_CACHE_SECONDS,
  NTFY_MESSAGES,
  NTFY_TOKEN,
  PORTS,
  readSeedInfo,
  SCENARIO_ID,
  SCRAPE_TARGETS,
  SILENCE,
  scenarioTimeMs,
} from './fixtures.ts';

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function writeJsonAtomic(file: string, value: unknown): void {
  // rename is atomic on one filesystem: readers never see half a file
  writeFileSync(`${file}.tmp`, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// Metrics scenario: anchor, prometheus.yml, history backfill
// ---------------------------------------------------------------------------------------------------------------

/**
 * The anchor lives with the TSDB: a fresh TSDB starts a fresh scenario, an existing one keeps its anchor. When
 * Prometheus is stopped, a scenario that no longer matches starts afresh: the fixtures changed (SCENARIO_ID), or
 * the Kubernetes seed is recent and the anchor is not its seed time (so both halves of the sandbox share a clock).
 * With `prometheusRunning` the TSDB is in use and never wiped.
 */
function anchor(anchorFile: string, tsdbDir: string, prometheusRunning: boolean): void {
  const existing = readJson<{ seedTimeMs: number; scenario?: string }>(anchorFile);
  const tsdbHasData = existsSync(tsdbDir) && readdirSync(tsdbDir).length > 0;
  const now = Date.now();
  const start = scenarioTimeMs(now);
  const kubeAligned = start === kubeSeedTimeMs();
  if (existing && typeof existing.seedTimeMs === 'number' && (tsdbHasData || prometheusRunning)) {
    const stale =
      existing.scenario !== SCENARIO_ID
        ? 'the scenario changed'
        : kubeAligned && existing.seedTimeMs !== start
          ? 'the Kubernetes seed time differs'
          : undefined;
    if (!stale || prometheusRunning) {
      const note = stale ? ` (${stale}; kept while Prometheus runs)` : '';
      console.log(`scenario anchor kept: ${new Date(existing.seedTimeMs).toISOString()}${note}`);
      return;
    }
    console.log(`scenario anchor ${new Date(existing.seedTimeMs).toISOString()} dropped: ${stale}`);
  } else if (prometheusRunning) {
    writeJsonAtomic(anchorFile, { seedTimeMs: start, scenario: SCENARIO_ID });
    console.log('scenario anchor set (Prometheus running; its data is kept)');
    return;
  }
  // Data without an anchor (or an anchor without data, or of another scenario) cannot be continued: start over.
  rmSync(tsdbDir, { recursive: true, force: true });
  rmSync(join(anchorFile, '..', 'filled-until.json'), { force: true });
  writeJsonAtomic(anchorFile, { seedTimeMs: start, scenario: SCENARIO_ID });
  const from = kubeAligned ? ' (the Kubernetes seed time)' : '';
  console.log(`scenario anchor set: ${new Date(start).toISOString()}${from} (fresh TSDB)`);
}

function genConfig(outFile: string, rulesFile: string): void {
  const jobs = new Map<
    string,
    { metrics_path: string; static_configs: { targets: string[]; labels: Record<string, string> }[] }
  >();
  for (const t of SCRAPE_TARGETS) {
    let job = jobs.get(t.job);
    if (!job) {
      job = { metrics_path: t.metricsPath, static_configs: [] };
      jobs.set(t.job, job);
    }
    const labels: Record<string, string> = { ...t.labels };
    for (const [k, v] of Object.entries(t.params ?? {})) labels[`__param_${k}`] = v;
    job.static_configs.push({ targets: [t.address], labels });
  }
  const config = {
    global: {
      scrape_interval: '5s',
      scrape_timeout: '4s',
      evaluation_interval: '1s',
      external_labels: { cluster: 'sandbox' },
    },
    rule_files: [rulesFile],
    alerting: {
      alertmanagers: [
        { api_version: 'v2', static_configs: [{ targets: [`127.0.0.1:${PORTS.alertmanager}`] }] },
      ],
    },
    scrape_configs: [...jobs].map(([job_name, j]) => ({ job_name, ...j })),
  };
  const header =
    '# Generated by sandbox/obs/obsctl.ts gen-config from SCRAPE_TARGETS in sandbox/obs/fixtures.ts.\n';
  writeFileSync(outFile, `${header}${JSON.stringify(config, null, 2)}\n`);
  console.log(`wrote ${outFile}`);
}

const BLOCK_SECONDS = 2 * 3600;
const DENSE_SECONDS = 2 * 3600;
const DENSE_STEP = 15;
const SPARSE_STEP = 120;

/** OpenMetrics text for the samples of [from, to) (seconds), grouped by metric name and series. */
function openMetricsBlock(
  from: number,
  to: number,
  denseFrom: number,
  anchorSec: number,
): string | undefined {
  // name -> series (label string) -> lines; families and series must each be contiguous in OpenMetrics.
  const families = new Map<string, Map<string, string[]>>();
  const add = (name: string, key: string, line: string): void => {
    let fam = families.get(name);
    if (!fam) {
      fam = new Map();
      families.set(name, fam);
    }
    const lines = fam.get(key);
    if (lines) lines.push(line);
    else fam.set(key, [line]);
  };
  const times: number[] = [];
  for (let t = Math.ceil(from / SPARSE_STEP) * SPARSE_STEP; t < Math.min(to, denseFrom); t += SPARSE_STEP)
    times.push(t);
  for (let t = Math.ceil(Math.max(from, denseFrom) / DENSE_STEP) * DENSE_STEP; t < to; t += DENSE_STEP)
    times.push(t);
  if (times.length === 0) return undefined;
  for (const target of EXPORTER_TARGETS) {
    const targetPairs = labelPairs({ job: target.job, ...target.labels });
    const upKey = `up{${targetPairs}}`;
    for (const t of times) {
      const samples = targetSamples(target, t, anchorSec);
      add('up', upKey, `${upKey} ${samples === 'down' ? 0 : 1} ${t}`);
      if (samples === 'down') continue;
      for (const s of samples) {
        const pairs = labelPairs(s.labels);
        const key = `${s.name}{${pairs ? `${pairs},` : ''}${targetPairs}}`;
        add(s.name, key, `${key} ${s.value} ${t}`);
      }
    }
  }
  const out: string[] = [];
  for (const fam of families.values()) for (const lines of fam.values()) for (const l of lines) out.push(l);
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve();
    });
  });
}

/**
 * Writes exporter history into the TSDB with `promtool tsdb create-blocks-from openmetrics`, one input file per
 * 2 h block (promtool re-reads its whole input for every block it cuts, so one big file is quadratic). Only the
 * gap since the last fill (or the last time this Prometheus was stopped) is written.
 */
async function backfill(tsdbDir: string, anchorFile: string, filledFile: string): Promise<void> {
  const anchorMs = readJson<{ seedTimeMs: number }>(anchorFile)?.seedTimeMs;
  if (typeof anchorMs !== 'number') throw new Error(`${anchorFile}: no anchor; run 'obsctl.ts anchor' first`);
  const anchorSec = Math.floor(anchorMs / 1000);
  const now = Math.floor(Date.now() / 1000);
  const until = readJson<{ untilMs: number }>(filledFile)?.untilMs;
  const from = Math.max(now - BACKFILL_DAYS * 86400, until ? Math.floor(until / 1000) : 0);
  if (now - from < DENSE_STEP) {
    console.log('backfill: nothing to do');
    return;
  }
  mkdirSync(tsdbDir, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), 'cmcp-backfill-'));
  const t0 = Date.now();
  try {
    const denseFrom = now - DENSE_SECONDS;
    const windows: [number, number][] = [];
    for (let b = Math.floor(from / BLOCK_SECONDS) * BLOCK_SECONDS; b < now; b += BLOCK_SECONDS) {
      windows.push([Math.max(b, from), Math.min(b + BLOCK_SECONDS, now + 1)]);
    }
    let next = 0;
    let blocks = 0;
    const worker = async (): Promise<void> => {
      while (next < windows.length) {
        const w = windows[next++];
        if (!w) break;
        const text = openMetricsBlock(w[0], w[1], denseFrom, anchorSec);
        if (!text) continue;
        const file = join(tmp, `block-${w[0]}.om`);
        writeFileSync(file, text);
        await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '-q', file, tsdbDir]);
        rmSync(file, { force: true });
        blocks++;
      }
    };
    await Promise.all([worker(), worker()]);
    writeJsonAtomic(filledFile, { untilMs: now * 1000 });
    const span = ((now - from) / 3600).toFixed(1);
    console.log(
      `backfill: ${blocks} block(s), ${span} h of history, ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function markFilled(filledFile: string): void {
  if (!existsSync(join(filledFile, '..'))) return;
  writeJsonAtomic(filledFile, { untilMs: Date.now() });
}

// ---------------------------------------------------------------------------------------------------------------
// ntfy seed file
// ---------------------------------------------------------------------------------------------------------------

/** Messages with absolute times for the ntfy stand-in; an existing seed time is kept (fixed from up to down). */
function ntfySeed(seedFile: string, infoFile: string, tokenFile: string): void {
  const existing = readJson<{ seedTimeMs: number }>(infoFile);
  const seedTimeMs = typeof existing?.seedTimeMs === 'number' ? existing.seedTimeMs : scenarioTimeMs();
  const seedSec = Math.floor(seedTimeMs / 1000);
  const messages = [...NTFY_MESSAGES]
    .sort((a, b) => b.ageSeconds - a.ageSeconds)
    .map((m) => {
      const time = seedSec - m.ageSeconds;
      return {
        id: m.id,
        time,
        expires: time + NTFY_CACHE_SECONDS,
        event: 'message',
        topic: m.topic,
        title: m.title,
        message: m.message,
        priority: m.priority,
        tags: m.tags,
        click: m.click,
        icon: m.icon,
        attachment: m.attachment,
        content_type: m.contentType,
      };
    });
  writeJsonAtomic(seedFile, { messages });
  writeJsonAtomic(infoFile, { seedTimeMs });
  writeFileSync(tokenFile, `${NTFY_TOKEN}\n`, { mode: 0o600 });
  console.log(`ntfy seed: ${messages.length} messages relative to ${new Date(seedTimeMs).toISOString()}`);
}

// ---------------------------------------------------------------------------------------------------------------
// Alertmanager silence and alert checks
// ---------------------------------------------------------------------------------------------------------------

interface AmSilence {
  id: string;
  createdBy: string;
  matchers: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  status: { state: string };
}

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: HTTP ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

function sameMatchers(s: AmSilence): boolean {
  return (
    s.matchers.length === SILENCE.matchers.length &&
    SILENCE.matchers.every((m) =>
      s.matchers.some((x) => x.name === m.name && x.value === m.value && x.isRegex === m.isRegex),
    )
  );
}

async function ensureSilence(amUrl: string): Promise<void> {
  const silences = await getJson<AmSilence[]>(`${amUrl}/api/v2/silences`);
  const ours = silences.filter((s) => s.status.state === 'active' && s.createdBy === SILENCE.createdBy);
  // Silences an earlier scenario of this sandbox created would mute alerts this one expects.
  for (const s of ours.filter((x) => !sameMatchers(x))) {
    const res = await fetch(`${amUrl}/api/v2/silence/${encodeURIComponent(s.id)}`, {
      method: 'DELETE',
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok)
      throw new Error(`DELETE silence ${s.id}: HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`);
    console.log(`silence ${s.id} expired (not this scenario's)`);
  }
  const same = ours.find(sameMatchers);
  if (same) {
    console.log(`silence ${same.id} active`);
    return;
  }
  const now = Date.now();
  const body = {
    matchers: SILENCE.matchers,
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + SILENCE.durationDays * 86400_000).toISOString(),
    createdBy: SILENCE.createdBy,
    comment: SILENCE.comment,
  };
  const created = await getJson<{ silenceID: string }>(`${amUrl}/api/v2/silences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  console.log(`silence ${created.silenceID} created`);
}

interface PromAlert {
  labels: Record<string, string>;
  state: string;
}
interface AmAlert {
  labels: Record<string, string>;
  receivers: { name: string }[];
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
}

function matches(f: AlertFixture, labels: Record<string, string>): boolean {
  if (labels.alertname !== f.alertname || labels.severity !== f.severity) return false;
  return Object.entries(f.labels).every(([k, v]) => labels[k] === v);
}

function describe(f: AlertFixture): string {
  return `${f.alertname}{severity="${f.severity}"${Object.entries(f.labels)
    .map(([k, v]) => `,${k}="${v}"`)
    .join('')}}`;
}

/** What is still missing in Prometheus and Alertmanager compared with expectedAlerts (empty: all visible). */
async function alertGaps(promUrl: string, amUrl: string): Promise<string[]> {
  const gaps: string[] = [];
  // Certificates enter the expiry window as the scenario ages.
  let elapsedSec = 0;
  try {
    elapsedSec = Math.max(0, (Date.now() - readSeedInfo('prometheus').seedTimeMs) / 1000);
  } catch {
    // No anchor file (Prometheus data elsewhere): a fresh scenario.
  }
  const prom = await getJson<{ data: { alerts: PromAlert[] } }>(`${promUrl}/api/v1/alerts`);
  const am = await getJson<AmAlert[]>(`${amUrl}/api/v2/alerts`);
  for (const f of expectedAlerts(elapsedSec)) {
    const p = prom.data.alerts.find((a) => matches(f, a.labels));
    if (!p || p.state !== f.promState)
      gaps.push(`prometheus: ${describe(f)} ${p ? p.state : 'absent'} (want ${f.promState})`);
    if (!f.amState) continue;
    const a = am.find((x) => matches(f, x.labels));
    if (!a) {
      gaps.push(`alertmanager: ${describe(f)} absent`);
      continue;
    }
    if (a.status.state !== f.amState)
      gaps.push(`alertmanager: ${describe(f)} ${a.status.state} (want ${f.amState})`);
    if (f.suppressedBy === 'silence' && a.status.silencedBy.length === 0)
      gaps.push(`alertmanager: ${describe(f)} not silenced`);
    if (f.suppressedBy === 'inhibition' && a.status.inhibitedBy.length === 0)
      gaps.push(`alertmanager: ${describe(f)} not inhibited`);
    if (f.receiver && !a.receivers.some((r) => r.name === f.receiver))
      gaps.push(`alertmanager: ${describe(f)} not routed to ${f.receiver}`);
  }
  return gaps;
}

async function waitAlerts(promUrl: string, amUrl: string, timeoutSeconds: number): Promise<void> {
  const t0 = Date.now();
  const deadline = t0 + timeoutSeconds * 1000;
  let lastReport = t0;
  let gaps: string[] = ['not checked yet'];
  while (Date.now() < deadline) {
    try {
      gaps = await alertGaps(promUrl, amUrl);
    } catch (e) {
      gaps = [(e as Error).message];
    }
    if (gaps.length === 0) {
      console.log(
        `alerts visible in Prometheus and Alertmanager after ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      return;
    }
    if (Date.now() - lastReport >= 5000) {
      lastReport = Date.now();
      console.log(
        `  … waiting for alerts (${((Date.now() - t0) / 1000).toFixed(0)} s): ${gaps.length} pending, e.g. ${gaps[0]}`,
      );
    }
    await sleep(250);
  }
  console.error(`alerts not as expected after ${timeoutSeconds} s:\n  ${gaps.join('\n  ')}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const [cmd, ...args] = process.argv.slice(2);
  const arg = (i: number): string => {
    const v = args[i];
    if (v === undefined) throw new Error(`obsctl ${cmd}: missing argument ${i + 1}`);
    return v;
  };
  switch (cmd) {
    case 'anchor':
      return anchor(arg(0), arg(1), args[2] === 'prometheus-running');
    case 'gen-config':
      return genConfig(arg(0), arg(1));
    case 'backfill':
      return backfill(arg(0), arg(1), arg(2));
    case 'mark-filled':
      return markFilled(arg(0));
    case 'ntfy-seed':
      return ntfySeed(arg(0), arg(1), arg(2));
    case 'ensure-silence':
      return ensureSilence(arg(0));
    case 'wait-alerts':
      return waitAlerts(arg(0), arg(1), Number(arg(2)));
    case 'alerts':
      await ensureSilence(arg(1));
      return waitAlerts(arg(0), arg(1), Number(arg(2)));
    default:
      throw new Error(`obsctl: unknown command ${cmd ?? '(none)'}`);
  }
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
