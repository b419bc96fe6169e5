/** get_flux_sources: can Flux fetch what it deploys — Git, Helm and OCI sources and their artifacts. */
import { z } from 'zod';
import type { CustomObject, KindList } from '../../clients/crd.ts';
import { defineTool } from '../../mcp/tool.ts';
import { asRecord, asString } from '../conditions.ts';
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
  statusParam,
} from './common.ts';

/** A GitRepository, HelmRepository or OCIRepository row. */
export interface FluxSourceItem extends FluxItem {
  url?: string;
  /** HelmRepository type `oci` (such repositories have no artifact). */
  type?: string;
  ref?: string;
  interval?: string;
  artifactRevision?: string;
  lastUpdateTime?: string;
}

const item = z.object({
  ...fluxItemShape,
  url: z.string().optional(),
  type: z.string().optional(),
  ref: z.string().optional(),
  interval: z.string().optional(),
  artifactRevision: z.string().optional(),
  lastUpdateTime: z.string().optional(),
});

// The ref fields each kind knows, in the order Flux gives them precedence (last wins upstream; all are shown).
const GIT_REF = ['branch', 'tag', 'semver', 'name', 'commit'];
const OCI_REF = ['tag', 'semver', 'semverFilter', 'digest'];

/** `branch=main`, `tag=v1.2.0 commit=abc…`: the ref fields that are set, space-separated. */
export function refFields(ref: unknown, keys: readonly string[]): string | undefined {
  const r = asRecord(ref);
  const parts = keys.flatMap((k) => {
    const v = asString(r[k]);
    return v ? [`${k}=${v}`] : [];
  });
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** Projects any of the three source kinds (v1; v1beta2 alike). */
export function projectSource(kindName: string, o: CustomObject): FluxSourceItem {
  const spec = asRecord(o.spec);
  const artifact = asRecord(asRecord(o.status).artifact);
  const out: FluxSourceItem = fluxBase(kindName, o);
  put(out, 'url', asString(spec.url));
  if (kindName === 'HelmRepository') put(out, 'type', asString(spec.type) === 'oci' ? 'oci' : undefined);
  if (kindName === 'GitRepository') put(out, 'ref', refFields(spec.ref, GIT_REF));
  if (kindName === 'OCIRepository') put(out, 'ref', refFields(spec.ref, OCI_REF));
  put(out, 'interval', asString(spec.interval));
  put(out, 'artifactRevision', asString(artifact.revision));
  put(out, 'lastUpdateTime', asString(artifact.lastUpdateTime));
  return out;
}

const KIND_PARAM = {
  gitrepository: [KINDS.gitrepository],
  helmrepository: [KINDS.helmrepository],
  ocirepository: [KINDS.ocirepository],
  all: [KINDS.gitrepository, KINDS.helmrepository, KINDS.ocirepository],
} as const;

export const getFluxSources = defineTool({
  name: 'get_flux_sources',
  title: 'Flux sources',
  description:
    'Can Flux fetch its sources? Git, Helm and OCI repositories: ready, reason, URL, ref, artifact revision, last update.',
  input: z.object({
    namespace: namespaceParam,
    kind: z.enum(['all', 'gitrepository', 'helmrepository', 'ocirepository']).default('all'),
    status: statusParam,
    limit: limitParam,
  }),
  output: fluxOutput(item),
  handler: async (args, ctx) =>
    fluxList(ctx, args, KIND_PARAM[args.kind], (l: KindList, o) => projectSource(l.kind.kind, o)),
});
