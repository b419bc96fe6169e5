/** get_flux_status: are Flux's Kustomizations and HelmReleases reconciling, and at which revision. */
import { z } from 'zod';
import type { CustomObject, KindList } from '../../clients/crd.ts';
import { defineTool } from '../../mcp/tool.ts';
import { asArray, asRecord, asString } from '../conditions.ts';
import {
  type FluxItem,
  fluxBase,
  fluxItemShape,
  fluxList,
  fluxOutput,
  KINDS,
  limitParam,
  namespaceParam,
  put,
  refText,
  statusParam,
} from './common.ts';

/** A Kustomization or HelmRelease row; kind-specific columns are absent on the other kind. */
export interface FluxStatusItem extends FluxItem {
  sourceRef?: string;
  interval?: string;
  path?: string;
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  /** The last attempt did not become the applied revision. */
  revisionMismatch?: true;
  chart?: string;
  chartVersion?: string;
  lastAttemptedReleaseAction?: string;
  lastRelease?: { chartVersion?: string; status?: string; lastDeployed?: string };
}

const item = z.object({
  ...fluxItemShape,
  sourceRef: z.string().optional(),
  interval: z.string().optional(),
  path: z.string().optional(),
  lastAppliedRevision: z.string().optional(),
  lastAttemptedRevision: z.string().optional(),
  revisionMismatch: z.boolean().optional(),
  chart: z.string().optional(),
  chartVersion: z.string().optional(),
  lastAttemptedReleaseAction: z.string().optional(),
  lastRelease: z
    .object({
      chartVersion: z.string().optional(),
      status: z.string().optional(),
      lastDeployed: z.string().optional(),
    })
    .optional(),
});

/** Projects a Kustomization (v1; v1beta2 has the same fields). */
export function projectKustomization(o: CustomObject): FluxStatusItem {
  const spec = asRecord(o.spec);
  const st = asRecord(o.status);
  const out: FluxStatusItem = fluxBase('Kustomization', o);
  put(out, 'sourceRef', refText(spec.sourceRef, out.namespace));
  put(out, 'path', asString(spec.path));
  put(out, 'interval', asString(spec.interval));
  const applied = asString(st.lastAppliedRevision);
  const attempted = asString(st.lastAttemptedRevision);
  put(out, 'lastAppliedRevision', applied);
  put(out, 'lastAttemptedRevision', attempted);
  if (attempted !== undefined && attempted !== applied) out.revisionMismatch = true;
  return out;
}

/** Chart version of the newest release in history that is (still) deployed. */
function deployedVersion(history: unknown[]): string | undefined {
  const h = history.map(asRecord).find((e) => e.status === 'deployed');
  return h ? asString(h.chartVersion) : undefined;
}

/**
 * Projects a HelmRelease (v2; v2beta2 alike, v2beta1 without history). The chart comes from spec.chart.spec
 * (name, version constraint, source) or spec.chartRef (an OCIRepository or HelmChart, shown as sourceRef; the
 * name then comes from the latest release). v2 has no lastAppliedRevision: it is the chart version of the newest
 * release in history that is still deployed (history is newest first), so a failed upgrade shows as a mismatch.
 */
export function projectHelmRelease(o: CustomObject): FluxStatusItem {
  const spec = asRecord(o.spec);
  const st = asRecord(o.status);
  const out: FluxStatusItem = fluxBase('HelmRelease', o);
  const chartSpec = asRecord(asRecord(spec.chart).spec);
  const history = asArray(st.history);
  const latest = asRecord(history[0]);
  put(out, 'chart', asString(chartSpec.chart) ?? asString(latest.chartName));
  put(out, 'chartVersion', asString(chartSpec.version));
  put(out, 'sourceRef', refText(chartSpec.sourceRef, out.namespace) ?? refText(spec.chartRef, out.namespace));
  put(out, 'interval', asString(spec.interval));
  const applied = asString(st.lastAppliedRevision) ?? deployedVersion(history);
  const attempted = asString(st.lastAttemptedRevision);
  put(out, 'lastAppliedRevision', applied);
  put(out, 'lastAttemptedRevision', attempted);
  if (attempted !== undefined && attempted !== applied) out.revisionMismatch = true;
  put(out, 'lastAttemptedReleaseAction', asString(st.lastAttemptedReleaseAction));
  const release: NonNullable<FluxStatusItem['lastRelease']> = {};
  put(release, 'chartVersion', asString(latest.chartVersion));
  put(release, 'status', asString(latest.status));
  put(release, 'lastDeployed', asString(latest.lastDeployed));
  if (Object.keys(release).length > 0) out.lastRelease = release;
  return out;
}

function project(list: KindList, o: CustomObject): FluxStatusItem {
  return list.kind === KINDS.helmrelease ? projectHelmRelease(o) : projectKustomization(o);
}

const KIND_PARAM = {
  kustomization: [KINDS.kustomization],
  helmrelease: [KINDS.helmrelease],
  all: [KINDS.kustomization, KINDS.helmrelease],
} as const;

export const getFluxStatus = defineTool({
  name: 'get_flux_status',
  title: 'Flux reconciliation',
  description:
    'Is Flux reconciling everything? Kustomizations and HelmReleases: ready, reason, applied vs attempted revision, suspended, stale; not_ready_count.',
  input: z.object({
    namespace: namespaceParam,
    kind: z.enum(['all', 'kustomization', 'helmrelease']).default('all'),
    status: statusParam,
    name: z
      .string()
      .refine(
        (v) => /^[a-z0-9.-]{1,253}$/.test(v),
        'must be an object name (lowercase letters, digits, . and -)',
      )
      .optional()
      .describe('Exact name'),
    limit: limitParam,
  }),
  output: fluxOutput(item),
  handler: async (args, ctx) =>
    fluxList(ctx, args, KIND_PARAM[args.kind], project, {
      fieldSelector: args.name ? `metadata.name=${args.name}` : undefined,
    }),
});
