/** get_certificates: cert-manager Certificates — ready or failing, and how long until each expires. */
import { z } from 'zod';
import { type CrdKind, type CustomObject, listKinds } from '../clients/crd.ts';
import { listOutputSchema, listResult } from '../mcp/envelope.ts';
import { type AnyTool, defineTool } from '../mcp/tool.ts';
import {
  asArray,
  asNumber,
  asRecord,
  asString,
  findCondition,
  type Readiness,
  readReadiness,
} from './conditions.ts';
import { limitParam, namespaceParam, put, statusParam } from './flux/common.ts';

export const CERTIFICATE: CrdKind = {
  kind: 'Certificate',
  plural: 'certificates',
  group: { group: 'cert-manager.io', product: 'cert-manager', versions: ['v1'] },
};

/** DNS names shown per certificate; `dnsNameCount` tells how many there are when more. */
export const DNS_NAMES_MAX = 5;
/** The summary's "expiring soon" horizon. */
export const SOON_DAYS = 14;
const DAY_MS = 86_400_000;

export interface CertificateItem extends Readiness {
  namespace: string;
  name: string;
  /** An Issuing condition is True: cert-manager is (re)issuing now. */
  issuing?: true;
  dnsNames?: string[];
  dnsNameCount?: number;
  commonName?: string;
  secretName?: string;
  /** `Kind/name`, or `Kind.group/name` for an external issuer. */
  issuer?: string;
  notBefore?: string;
  notAfter?: string;
  /** Days until notAfter, rounded down to one decimal; negative once expired. */
  daysLeft?: number;
  renewalTime?: string;
  failedIssuanceAttempts?: number;
  lastFailureTime?: string;
}

const str = z.string().optional();
const item = z.object({
  namespace: z.string(),
  name: z.string(),
  ready: z.enum(['True', 'False', 'Unknown']),
  reason: str,
  message: str,
  since: str,
  stale: z.boolean().optional(),
  reconciling: z.boolean().optional(),
  issuing: z.boolean().optional(),
  dnsNames: z.array(z.string()).optional(),
  dnsNameCount: z.number().optional(),
  commonName: str,
  secretName: str,
  issuer: str,
  notBefore: str,
  notAfter: str,
  daysLeft: z.number().optional(),
  renewalTime: str,
  failedIssuanceAttempts: z.number().optional(),
  lastFailureTime: str,
});

const summary = z.object({
  total: z.number(),
  ready: z.number(),
  not_ready_count: z.number(),
  expiringWithin14Days: z.number(),
  expired: z.number(),
});

/** Days from `now` to `notAfter`, floored to one decimal (so `daysLeft <= N` ⇔ expires within N days). */
export function daysLeft(notAfter: string | undefined, now: number): number | undefined {
  const t = notAfter ? Date.parse(notAfter) : Number.NaN;
  if (Number.isNaN(t)) return undefined;
  // The epsilon keeps exact tenths (7.0 days) from flooring to 6.9 through floating-point error.
  return Math.floor(((t - now) / DAY_MS) * 10 + 1e-9) / 10;
}

/** `Issuer/name` (the default kind), `ClusterIssuer/name`, or `Kind.group/name` for an external issuer. */
export function issuerText(ref: unknown): string | undefined {
  const r = asRecord(ref);
  const name = asString(r.name);
  if (!name) return undefined;
  const kind = asString(r.kind) ?? 'Issuer';
  const group = asString(r.group);
  return group && group !== 'cert-manager.io' ? `${kind}.${group}/${name}` : `${kind}/${name}`;
}

/** Projects a Certificate (cert-manager.io/v1) as of `now` (ms since the epoch). */
export function projectCertificate(o: CustomObject, now: number): CertificateItem {
  const spec = asRecord(o.spec);
  const st = asRecord(o.status);
  const out: CertificateItem = {
    namespace: o.metadata.namespace ?? '',
    name: o.metadata.name,
    ...readReadiness(o),
  };
  if (findCondition(st.conditions, 'Issuing')?.status === 'True') out.issuing = true;
  const dns = asArray(spec.dnsNames).filter((d): d is string => typeof d === 'string');
  if (dns.length > 0) out.dnsNames = dns.slice(0, DNS_NAMES_MAX);
  if (dns.length > DNS_NAMES_MAX) out.dnsNameCount = dns.length;
  if (dns.length === 0) put(out, 'commonName', asString(spec.commonName));
  put(out, 'secretName', asString(spec.secretName));
  put(out, 'issuer', issuerText(spec.issuerRef));
  put(out, 'notBefore', asString(st.notBefore));
  const notAfter = asString(st.notAfter);
  put(out, 'notAfter', notAfter);
  put(out, 'daysLeft', daysLeft(notAfter, now));
  put(out, 'renewalTime', asString(st.renewalTime));
  put(out, 'failedIssuanceAttempts', asNumber(st.failedIssuanceAttempts));
  put(out, 'lastFailureTime', asString(st.lastFailureTime));
  return out;
}

const expiry = (c: CertificateItem): number => {
  const t = c.notAfter ? Date.parse(c.notAfter) : Number.NaN;
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
};

/** Soonest notAfter first; certificates without one (never issued) last; then namespace/name. */
export function compareCertificates(a: CertificateItem, b: CertificateItem): number {
  const ea = expiry(a);
  const eb = expiry(b);
  if (ea !== eb) return ea < eb ? -1 : 1;
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** True when notAfter is at most `days` after `now` (already expired included). */
export function expiresWithin(c: CertificateItem, days: number, now: number): boolean {
  return expiry(c) - now <= days * DAY_MS;
}

export const getCertificates = defineTool({
  name: 'get_certificates',
  title: 'Certificates',
  description:
    'cert-manager Certificates: ready, reason, issuer, expiry, days left, renewal, failed issuance; soonest expiry first.',
  input: z.object({
    namespace: namespaceParam,
    status: statusParam,
    expiringWithinDays: z
      .number()
      .min(0)
      .max(3650)
      .optional()
      .describe('Only certs expiring within N days (expired too)'),
    limit: limitParam,
  }),
  output: listOutputSchema(item, summary),
  handler: async (args, ctx) => {
    const now = Date.now();
    const { lists } = await listKinds(ctx.clients.kube, [CERTIFICATE], {
      namespace: args.namespace,
      signal: ctx.signal,
    });
    const list = lists[0]!;
    const all = list.items.map((o) => projectCertificate(o, now));
    const notReady = all.filter((c) => c.ready !== 'True').length;
    const s = {
      total: all.length,
      ready: all.length - notReady,
      not_ready_count: notReady,
      expiringWithin14Days: all.filter((c) => expiresWithin(c, SOON_DAYS, now)).length,
      expired: all.filter((c) => c.daysLeft !== undefined && c.daysLeft < 0).length,
    };
    const within = args.expiringWithinDays;
    const matched = all
      .filter((c) => args.status === 'all' || c.ready !== 'True')
      .filter((c) => within === undefined || expiresWithin(c, within, now))
      .sort(compareCertificates);
    const where = args.namespace ? `in namespace ${args.namespace}` : 'in any namespace';
    return listResult({
      items: matched.slice(0, args.limit),
      total: list.complete ? matched.length : null,
      truncated: !list.complete || matched.length > args.limit,
      summary: s,
      hint: list.complete
        ? undefined
        : 'Read only the first certificates (too many); pass namespace to narrow.',
      emptyHint:
        all.length === 0
          ? `No Certificates ${where}.`
          : `None of the ${all.length} Certificates ${where} match; loosen status or expiringWithinDays.`,
    });
  },
});

export const certificateTools: AnyTool[] = [getCertificates];
