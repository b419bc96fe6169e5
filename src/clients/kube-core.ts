/**
 * Helpers over KubeClient for the core tools: typed raw JSON, paged lists that visit every item once, name and
 * selector checks, and the translation of API failures (RBAC, bad selectors, missing namespaces) into errors
 * that tell the model what went wrong and what to do.
 */
import { CallerError, excerpt, UpstreamError } from '../mcp/errors.ts';
import { KubeApiError, type KubeClient } from './kube.ts';

/**
 * A client-node model as the API sends it in JSON: timestamps are RFC 3339 strings, not the `Date` objects the
 * generated classes declare (we skip client-node's deserialisation, see kube.ts).
 */
export type Raw<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Raw<U>[]
    : T extends object
      ? { [K in keyof T]: Raw<T[K]> }
      : T;

/** What a request does, for error messages: `list pods in namespace "x"`. */
export interface KubeOp {
  verb: 'get' | 'list';
  /** Plural resource, e.g. `pods`, `deployments`. */
  resource: string;
  /** API group; empty for core. */
  group?: string;
  namespace?: string;
  name?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

interface ListMeta {
  continue?: string;
  remainingItemCount?: number;
}

/** The server-side Table form of a list: rows of printed columns instead of objects. */
export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io';

/** Page size of list requests: few round trips, modest bodies (10,000 pods read faster in pages of 500 than 1000+). */
export const PAGE_SIZE = 500;

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Checks a namespace name (DNS label) or object name (DNS subdomain) before it goes into a path or selector.
 * @throws CallerError naming the parameter.
 */
export function checkName(value: string, param: string, kind: 'label' | 'subdomain' = 'subdomain'): string {
  const re = kind === 'label' ? LABEL : SUBDOMAIN;
  const max = kind === 'label' ? 63 : 253;
  if (value.length > max || !re.test(value))
    throw new CallerError(
      `${param}: "${value.slice(0, 80)}" is not a valid Kubernetes name (lowercase letters, digits, '-'${kind === 'label' ? '' : ", '.'"}; at most ${max} characters).`,
    );
  return value;
}

/** Escapes a value for a field selector term (`,`, `=` and `\` are special). */
export function fieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Joins selector terms, skipping empty ones; undefined when nothing is left. */
export function joinSelectors(...terms: (string | undefined | false)[]): string | undefined {
  const parts = terms
    .filter((t): t is string => typeof t === 'string' && t.trim() !== '')
    .map((t) => t.trim());
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** `/api/v1/namespaces/x/pods`, `/apis/apps/v1/deployments`, `/api/v1/nodes/n`. */
export function resourcePath(opts: {
  group?: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
}): string {
  const base = opts.group ? `/apis/${opts.group}/${opts.version}` : `/api/${opts.version}`;
  const ns = opts.namespace ? `/namespaces/${encodeURIComponent(opts.namespace)}` : '';
  const name = opts.name ? `/${encodeURIComponent(opts.name)}` : '';
  return `${base}${ns}/${opts.resource}${name}`;
}

function scope(op: KubeOp): string {
  return op.namespace ? `in namespace "${op.namespace}"` : 'cluster-wide';
}

function resourceName(op: KubeOp): string {
  return op.group ? `${op.resource}.${op.group}` : op.resource;
}

/** Shortens an API validation message: drops the regex and example boilerplate. */
export function cleanApiMessage(message: string): string {
  const cleaned = message
    .replace(/,?\s*regex used for validation is '[^']*'/g, '')
    .replace(/\s*\(e\.g\.[^)]*\)/g, '')
    .replace(/^(unable to parse requirement|invalid selector):\s*/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  return excerpt(cleaned, 300);
}

/** Which selector a 400 answer is about, judged from the message and the selectors sent. */
function selectorParam(op: KubeOp, message: string): string | undefined {
  if (!op.labelSelector && !op.fieldSelector) return undefined;
  if (!op.labelSelector) return 'fieldSelector';
  if (!op.fieldSelector) return 'labelSelector';
  return /field/i.test(message) ? 'fieldSelector' : 'labelSelector';
}

/**
 * Turns a failed request into an error written for the model: RBAC denials name the identity, verb and resource;
 * a rejected selector becomes a CallerError with the API's cleaned message; a missing object says so. Anything
 * else passes through unchanged.
 */
export function explainKubeError(err: unknown, op: KubeOp): unknown {
  if (!(err instanceof KubeApiError)) return err;
  const what = resourceName(op);
  const details = { backend: 'kubernetes', url: err.details.url, status: err.status, body: err.details.body };
  switch (err.status) {
    case 400: {
      const param = selectorParam(op, err.apiMessage);
      if (param) {
        const given = param === 'labelSelector' ? op.labelSelector : op.fieldSelector;
        return new CallerError(
          `${param} "${given?.slice(0, 120)}" was rejected by the Kubernetes API: ${cleanApiMessage(err.apiMessage)}`,
        );
      }
      return err;
    }
    case 401:
      return new UpstreamError(
        `the Kubernetes API rejected this server's credentials (401 Unauthorized); its ServiceAccount token may be expired or revoked.`,
        details,
      );
    case 403: {
      const user = /User "([^"]+)"/.exec(err.apiMessage)?.[1];
      const who = user ? `this server's identity (${user})` : "this server's identity";
      return new UpstreamError(
        `RBAC forbids ${who} to ${op.verb} ${what} ${scope(op)}. Grant it get, list and watch on ${what} (the Helm chart's ClusterRole does), or ask about a namespace it may read.`,
        details,
      );
    }
    case 404:
      if (op.name)
        return new CallerError(
          `${what} "${op.name}" does not exist${op.namespace ? ` in namespace "${op.namespace}"` : ''}.`,
        );
      return new UpstreamError(
        `the Kubernetes API does not serve ${what} (404); the API group or resource is not installed.`,
        details,
      );
    case 410:
      return new UpstreamError(
        `the list of ${what} changed too much while it was being read (410 Expired); retry the call.`,
        details,
      );
    case 429:
      return new UpstreamError(
        `the Kubernetes API is throttling requests (429 Too Many Requests); retry in a few seconds.`,
        details,
      );
    default:
      return err;
  }
}

export interface ListEachOptions {
  signal: AbortSignal;
  labelSelector?: string;
  fieldSelector?: string;
  /** Stop after this many items (the result then says complete: false). */
  maxItems?: number;
  /** Ask for the server-side Table form; `visit` then gets table rows and the column names. */
  table?: boolean;
  pageSize?: number;
}

export interface ListEachResult {
  /** Items visited. */
  seen: number;
  /** False when maxItems stopped the scan early. */
  complete: boolean;
  /** Column names, for table lists. */
  columns?: string[];
}

/**
 * Lists a collection page by page (`limit` + `continue`, one consistent snapshot) and hands each item to `visit`,
 * so only one page is held in memory. Errors are translated with explainKubeError.
 */
export async function listEach<T>(
  kube: KubeClient,
  path: string,
  op: KubeOp,
  opts: ListEachOptions,
  visit: (item: T, columns?: string[]) => void,
): Promise<ListEachResult> {
  const pageSize = opts.pageSize ?? PAGE_SIZE;
  let cont: string | undefined;
  let seen = 0;
  let columns: string[] | undefined;
  try {
    do {
      const limit = opts.maxItems !== undefined ? Math.min(pageSize, opts.maxItems - seen) : pageSize;
      const page = await kube.get<{
        items?: T[];
        rows?: T[];
        columnDefinitions?: { name: string }[];
        metadata?: ListMeta;
      }>(path, {
        query: {
          labelSelector: opts.labelSelector,
          fieldSelector: opts.fieldSelector,
          limit,
          continue: cont,
          includeObject: opts.table ? 'None' : undefined,
        },
        signal: opts.signal,
        accept: opts.table ? TABLE_ACCEPT : undefined,
      });
      // The column list comes only with the first page.
      if (page.columnDefinitions) columns ??= page.columnDefinitions.map((c) => c.name);
      for (const item of page.items ?? page.rows ?? []) {
        visit(item, columns);
        seen++;
      }
      cont = page.metadata?.continue || undefined;
      if (cont && opts.maxItems !== undefined && seen >= opts.maxItems)
        return { seen, complete: false, columns };
    } while (cont);
  } catch (err) {
    throw explainKubeError(err, {
      ...op,
      verb: 'list',
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
    });
  }
  return { seen, complete: true, columns };
}

/**
 * Counts the objects of a collection without reading them: a `limit=1` list carries `remainingItemCount` when
 * no selector is given. Falls back to paging a Table (no objects) when the server leaves the count out.
 */
export async function countObjects(
  kube: KubeClient,
  path: string,
  op: KubeOp,
  signal: AbortSignal,
): Promise<number> {
  let first: { items?: unknown[]; metadata?: ListMeta };
  try {
    first = await kube.get(path, { query: { limit: 1 }, signal });
  } catch (err) {
    throw explainKubeError(err, { ...op, verb: 'list' });
  }
  const n = first.items?.length ?? 0;
  if (!first.metadata?.continue) return n;
  if (typeof first.metadata.remainingItemCount === 'number') return n + first.metadata.remainingItemCount;
  const { seen } = await listEach(kube, path, op, { signal, table: true }, () => {});
  return seen;
}

/**
 * Throws a CallerError when `namespace` does not exist, so an empty answer is never silently the result of a
 * typo. When the namespace cannot be read (RBAC), nothing is thrown: the empty list stands.
 */
export async function assertNamespaceExists(
  kube: KubeClient,
  namespace: string,
  signal: AbortSignal,
): Promise<void> {
  try {
    await kube.get(resourcePath({ version: 'v1', resource: 'namespaces', name: namespace }), { signal });
  } catch (err) {
    if (err instanceof KubeApiError && err.status === 404)
      throw new CallerError(`namespace "${namespace}" does not exist; get_namespaces lists the namespaces.`);
    if (err instanceof KubeApiError && err.status === 403) return;
    throw err;
  }
}

/** Runs `fn` over `inputs` with at most `width` in flight, keeping the input order in the results. */
export async function mapLimit<I, O>(
  inputs: readonly I[],
  width: number,
  fn: (input: I) => Promise<O>,
): Promise<O[]> {
  const out = new Array<O>(inputs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const i = next++;
      out[i] = await fn(inputs[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, inputs.length) }, worker));
  return out;
}
