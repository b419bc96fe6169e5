/** get_alerts: Alertmanager's alerts, active by default, most severe first. */
import { z } from 'zod';
import { type AmAlert, amListAlerts } from '../clients/alertmanager.ts';
import { listOutputSchema, listResult } from '../mcp/envelope.ts';
import { defineTool } from '../mcp/tool.ts';
import { formatAge } from '../util/duration.ts';
import { clip } from './obs-shared.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

/** Severity order of the result; unknown severities sort after info, alerts without one last. */
const SEVERITY_RANK: Readonly<Record<string, number>> = {
  critical: 0,
  error: 1,
  warning: 2,
  info: 3,
  none: 5,
};
const UNKNOWN_RANK = 4;
const NONE_RANK = 5;

/** Labels that say what an alert is about, shown first. */
const IDENTIFYING = [
  'namespace',
  'pod',
  'container',
  'job',
  'instance',
  'service',
  'node',
  'deployment',
  'statefulset',
  'daemonset',
  'job_name',
  'cronjob',
  'persistentvolumeclaim',
  'cluster',
];
/** Labels already shown as fields, or noise. */
const HIDDEN = new Set(['alertname', 'severity', 'prometheus', 'prometheus_replica']);
const MAX_LABELS = 12;

type AlertState = 'active' | 'silenced' | 'inhibited' | 'all';

const item = z.object({
  alertname: z.string(),
  severity: z.string().optional(),
  state: z.string(),
  startsAt: z.string(),
  age: z.string(),
  summary: z.string().optional(),
  description: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  runbook: z.string().optional(),
  silencedBy: z.array(z.string()).optional(),
  inhibitedBy: z.array(z.string()).optional(),
  fingerprint: z.string(),
  generatorURL: z.string().optional(),
});
type Item = z.output<typeof item>;

const summary = z.object({
  bySeverity: z.record(z.string(), z.number()),
  byState: z.record(z.string(), z.number()),
});

/** silenced > inhibited > muted > as reported (active, unprocessed). */
function stateOf(a: AmAlert): string {
  if (a.status.silencedBy && a.status.silencedBy.length > 0) return 'silenced';
  if (a.status.inhibitedBy && a.status.inhibitedBy.length > 0) return 'inhibited';
  if (a.status.mutedBy && a.status.mutedBy.length > 0) return 'muted';
  return a.status.state;
}

function rank(severity: string | undefined): number {
  if (!severity) return NONE_RANK;
  return SEVERITY_RANK[severity.toLowerCase()] ?? UNKNOWN_RANK;
}

/** Identifying labels first (in IDENTIFYING order), then the rest by name, bounded. */
function compactLabels(all: Record<string, string>): Record<string, string> | undefined {
  const keys = Object.keys(all).filter((k) => !HIDDEN.has(k) && !k.startsWith('__'));
  const first = IDENTIFYING.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !IDENTIFYING.includes(k)).sort();
  const out: Record<string, string> = {};
  for (const k of [...first, ...rest].slice(0, MAX_LABELS)) out[k] = clip(all[k]!, 200);
  return Object.keys(out).length > 0 ? out : undefined;
}

function project(a: AmAlert, now: number): Item {
  const out: Item = {
    alertname: a.labels.alertname ?? '(no alertname)',
    state: stateOf(a),
    startsAt: a.startsAt,
    age: formatAge(now - Date.parse(a.startsAt)),
    fingerprint: a.fingerprint,
  };
  if (a.labels.severity) out.severity = a.labels.severity;
  const ann = a.annotations;
  const summaryText = ann.summary ?? ann.message;
  if (summaryText) out.summary = clip(summaryText, 300);
  if (ann.description) out.description = clip(ann.description, 600);
  const labels = compactLabels(a.labels);
  if (labels) out.labels = labels;
  const runbook = ann.runbook_url ?? ann.runbook;
  if (runbook) out.runbook = clip(runbook, 300);
  if (a.status.silencedBy && a.status.silencedBy.length > 0) out.silencedBy = a.status.silencedBy;
  if (a.status.inhibitedBy && a.status.inhibitedBy.length > 0) out.inhibitedBy = a.status.inhibitedBy;
  if (a.generatorURL) out.generatorURL = clip(a.generatorURL, 500);
  return out;
}

/**
 * Alertmanager takes one matcher per `filter` value; a model often writes a PromQL-style selector instead
 * (`{a="x", b=~"y"}`), so braces are dropped and commas outside quotes split it into single matchers.
 */
export function splitMatchers(filters: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of filters) {
    let f = raw.trim();
    if (f.startsWith('{') && f.endsWith('}')) f = f.slice(1, -1);
    let cur = '';
    let quoted = false;
    for (let i = 0; i < f.length; i++) {
      const c = f[i]!;
      if (quoted && c === '\\') {
        cur += c + (f[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === '"') quoted = !quoted;
      if (c === ',' && !quoted) {
        if (cur.trim()) out.push(cur.trim());
        cur = '';
        continue;
      }
      cur += c;
    }
    if (cur.trim()) out.push(cur.trim());
  }
  return out;
}

/** Alertmanager's include-toggles for each requested state (silenced/inhibited narrowed again afterwards). */
function toggles(state: AlertState): {
  active: boolean;
  silenced: boolean;
  inhibited: boolean;
  unprocessed: boolean;
} {
  switch (state) {
    case 'active':
      return { active: true, silenced: false, inhibited: false, unprocessed: true };
    case 'all':
      return { active: true, silenced: true, inhibited: true, unprocessed: true };
    default:
      return { active: false, silenced: true, inhibited: true, unprocessed: false };
  }
}

export const getAlerts = defineTool({
  name: 'get_alerts',
  title: 'Alertmanager alerts',
  description:
    'What is alerting? Alertmanager alerts by severity: summary, since when, labels; silenced/inhibited on request.',
  input: z.object({
    state: z.enum(['active', 'silenced', 'inhibited', 'all']).default('active'),
    severity: z.string().optional().describe('e.g. critical or critical,warning'),
    filter: z.array(z.string()).max(20).optional().describe('Matchers, e.g. ["alertname=~\\"Kube.*\\""]'),
    receiver: z.string().optional().describe('Receiver regex'),
    limit: z.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  }),
  output: listOutputSchema(item, summary),
  handler: async (args, ctx) => {
    const http = ctx.clients.alertmanager;
    http.requireConfigured();
    const state = args.state as AlertState;
    const alerts = await amListAlerts(
      http,
      { ...toggles(state), filter: args.filter && splitMatchers(args.filter), receiver: args.receiver },
      ctx.signal,
    );
    const severities = args.severity
      ?.split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    const matched = alerts.filter((a) => {
      const st = stateOf(a);
      if (state === 'silenced' && st !== 'silenced') return false;
      if (state === 'inhibited' && st !== 'inhibited') return false;
      if (severities && severities.length > 0) {
        const sev = a.labels.severity?.toLowerCase() ?? 'none';
        if (!severities.includes(sev)) return false;
      }
      return true;
    });
    // Most severe first; within a severity the newest first; fingerprint breaks ties deterministically.
    matched.sort(
      (a, b) =>
        rank(a.labels.severity) - rank(b.labels.severity) ||
        Date.parse(b.startsAt) - Date.parse(a.startsAt) ||
        a.fingerprint.localeCompare(b.fingerprint),
    );
    const bySeverity: Record<string, number> = {};
    const byState: Record<string, number> = {};
    for (const a of matched) {
      const sev = a.labels.severity ?? 'none';
      bySeverity[sev] = (bySeverity[sev] ?? 0) + 1;
      const st = stateOf(a);
      byState[st] = (byState[st] ?? 0) + 1;
    }
    const now = Date.now();
    return listResult({
      items: matched.slice(0, args.limit).map((a) => project(a, now)),
      total: matched.length,
      summary: { bySeverity, byState },
      emptyHint:
        state === 'all'
          ? 'No alerts match; loosen severity/filter/receiver.'
          : `No ${state} alerts match; try state "all" to include silenced and inhibited alerts, or loosen the filters.`,
    });
  },
});
