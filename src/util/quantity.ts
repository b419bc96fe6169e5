/**
 * Kubernetes resource quantities (`250m`, `1Gi`, `1.5`, `129e6`, `64501424Ki`, `1500000n`) as plain numbers:
 * CPU in cores, memory in bytes.
 */

const SUFFIX: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// sign, digits with an optional fraction, then a binary/decimal SI suffix or a decimal exponent.
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([numkMGTPE]|[KMGTPE]i)?|[eE]([+-]?\d+))$/;

/** The value of a quantity string, or null when it is missing or not a quantity. */
export function parseQuantity(q: string | number | undefined | null): number | null {
  if (typeof q === 'number') return Number.isFinite(q) ? q : null;
  if (!q) return null;
  const m = QUANTITY.exec(q.trim());
  if (!m) return null;
  const n = Number(m[1]);
  if (m[3] !== undefined) return n * 10 ** Number(m[3]);
  return n * SUFFIX[m[2] ?? '']!;
}

/** CPU cores rounded to millicores (`250m` → 0.25), or null. */
export function cpuCores(q: string | undefined): number | null {
  const v = parseQuantity(q);
  return v === null ? null : Math.round(v * 1000) / 1000;
}

/** Memory in whole MiB (`1Gi` → 1024, `64501424Ki` → 62990), or null. */
export function memoryMiB(q: string | undefined): number | null {
  const v = parseQuantity(q);
  return v === null ? null : Math.round(v / 2 ** 20);
}

/** `part` as a percentage of `whole`, one decimal, or null when either is unknown or whole is 0. */
export function percent(part: number | null, whole: number | null): number | null {
  if (part === null || whole === null || whole <= 0) return null;
  return Math.round((part / whole) * 1000) / 10;
}
