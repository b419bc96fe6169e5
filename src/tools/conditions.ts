/**
 * The status convention Flux and cert-manager share: a `Ready` condition (status, reason, message,
 * lastTransitionTime), `observedGeneration` for "has the controller seen the latest spec", and, on Flux, a
 * `Reconciling` condition while work is in progress. Every tool over those kinds reads readiness here.
 */

/** A `status.conditions[]` entry (metav1.Condition). */
export interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** Readiness as an operator reads it; flags are present only when true. */
export interface Readiness {
  ready: 'True' | 'False' | 'Unknown';
  reason?: string;
  /** Whitespace collapsed, at most MESSAGE_MAX characters. */
  message?: string;
  /** When Ready last changed. */
  since?: string;
  /** The controller has not yet acted on the latest spec (generation ahead of observedGeneration). */
  stale?: true;
  /** A Reconciling condition is True: work in progress. */
  reconciling?: true;
}

/** Longest condition message returned; Flux build and health-check messages can run to kilobytes. */
export const MESSAGE_MAX = 300;

/** Collapses whitespace and cuts to `max` characters with an ellipsis. */
export function boundText(text: string, max = MESSAGE_MAX): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The condition of a type, or undefined; tolerates a missing or malformed list. */
export function findCondition(conditions: unknown, type: string): Condition | undefined {
  if (!Array.isArray(conditions)) return undefined;
  return conditions.find(
    (c): c is Condition => typeof c === 'object' && c !== null && (c as Condition).type === type,
  );
}

// Readers for operator-owned JSON: CRDs with permissive schemas may hold anything, and a projection must never
// crash on a field of the wrong type.

/** A non-empty string, else undefined. */
export function asString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A finite number, else undefined. */
export function asNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A plain object, else an empty one. */
export function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** An array, else an empty one. */
export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * Reads readiness of a Flux or cert-manager object. A missing Ready condition reads as Unknown (never
 * reconciled). Stale compares metadata.generation with status.observedGeneration, or with the Ready
 * condition's observedGeneration when the status has none (cert-manager).
 */
export function readReadiness(obj: { metadata?: { generation?: number }; status?: unknown }): Readiness {
  const status = asRecord(obj.status);
  const ready = findCondition(status.conditions, 'Ready');
  const s = ready?.status;
  const out: Readiness = { ready: s === 'True' || s === 'False' ? s : 'Unknown' };
  const reason = asString(ready?.reason);
  if (reason) out.reason = reason;
  const message = asString(ready?.message);
  if (message) out.message = boundText(message);
  const since = asString(ready?.lastTransitionTime);
  if (since) out.since = since;
  const generation = asNumber(obj.metadata?.generation);
  const observed = asNumber(status.observedGeneration) ?? asNumber(ready?.observedGeneration);
  if (generation !== undefined && observed !== undefined && generation > observed) out.stale = true;
  if (findCondition(status.conditions, 'Reconciling')?.status === 'True') out.reconciling = true;
  return out;
}
