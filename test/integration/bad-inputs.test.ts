/**
 * The bad-input corpus: hostile values crossed with every parameter of every tool tools/list shows at run time,
 * plus malformed JSON-RPC messages and hostile transport details, all against the real app and the sandbox's
 * backends. Nothing may answer 5xx, report an internal error, crash or hang; every refusal says why; inputs the
 * advertised schema rules out must be refused; and the server is healthy afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HOSTILE_ARGUMENTS,
  HOSTILE_NUMBERS,
  HOSTILE_STRINGS,
  HOSTILE_STRUCTURES,
  HOSTILE_TRANSPORT,
  type HostileValue,
  MALFORMED_MESSAGES,
  type RawCase,
} from '../fixtures/bad-inputs/corpus.ts';
import { MCP_HEADERS, type RawResponse, rawRequest } from '../support/raw-http.ts';
import { ok, startServer, type TestServer } from '../support/server.ts';

const CALL_TIMEOUT_MS = 5_000;
/** A request that takes longer than the call deadline plus this margin counts as a hang. */
const HANG_MS = CALL_TIMEOUT_MS + 15_000;
const PARALLEL = 8;

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
}

interface Case {
  label: string;
  body: string | Buffer;
  headers?: Record<string, string>;
  method?: string;
  /** The advertised schema (or the protocol) rules the input out: it must not be accepted. */
  mustFail: boolean;
}

type Kind = 'accepted' | 'tool-error' | 'rpc-error' | 'http-error';
interface Outcome {
  kase: Case;
  kind: Kind | 'hang' | 'server-error';
  status: number;
  message: string;
  ms: number;
}

/** The JSON text of a hostile value. */
const jsonOf = (h: HostileValue): string => h.raw ?? JSON.stringify(h.value);

/** True when a JSON Schema (the subset tools/list uses) certainly rejects the value. */
function schemaRejects(s: JsonSchema, value: unknown): boolean {
  const t = s.type;
  if (t === undefined) return false;
  if (value === null || value === undefined) return true;
  if (t === 'string') {
    if (typeof value !== 'string') return true;
    if (s.enum && !s.enum.includes(value)) return true;
    const units = value.length;
    const points = [...value].length;
    if (s.maxLength !== undefined && Math.min(units, points) > s.maxLength) return true;
    if (s.minLength !== undefined && Math.max(units, points) < s.minLength) return true;
    if (s.pattern !== undefined && !new RegExp(s.pattern).test(value)) return true;
    return false;
  }
  if (t === 'integer' || t === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) return true;
    if (t === 'integer' && !Number.isInteger(value)) return true;
    if (s.minimum !== undefined && value < s.minimum) return true;
    if (s.maximum !== undefined && value > s.maximum) return true;
    if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) return true;
    if (s.exclusiveMaximum !== undefined && value >= s.exclusiveMaximum) return true;
    return false;
  }
  if (t === 'boolean') return typeof value !== 'boolean';
  if (t === 'array') {
    if (!Array.isArray(value)) return true;
    if (s.maxItems !== undefined && value.length > s.maxItems) return true;
    if (s.minItems !== undefined && value.length < s.minItems) return true;
    return s.items ? value.some((item) => schemaRejects(s.items!, item)) : false;
  }
  if (t === 'object') return typeof value !== 'object' || Array.isArray(value);
  return false;
}

/** Whether a parameter must refuse a hostile value. Raw literals (1e400, __proto__ objects) fit no scalar type. */
function mustRefuse(s: JsonSchema, h: HostileValue): boolean {
  if (h.raw !== undefined) return s.type !== undefined && s.type !== 'object';
  return schemaRejects(s, h.value);
}

const pick = (list: HostileValue[], labels: string[]): HostileValue[] =>
  list.filter((h) => labels.includes(h.label));
const SOME_STRUCTURES = pick(HOSTILE_STRUCTURES, ['null', 'empty array', 'empty object', 'operator object']);
const SOME_NUMBERS = pick(HOSTILE_NUMBERS, ['negative one', 'max double', 'overflow literal 1e400']);
const SOME_STRINGS = pick(HOSTILE_STRINGS, [
  'empty',
  'huge',
  'NUL',
  'NaN text',
  'exponent number text',
  'negative unix time',
]);

/**
 * The hostile values for one parameter: every hostile value of its own type (strings reach tool code and
 * backends, so every string parameter gets all of them, and every string-array parameter gets each as an item),
 * plus a sample of the other types (refused by the same generic validation whatever the parameter).
 */
function valuesFor(s: JsonSchema): HostileValue[] {
  if (s.type === 'string') return [...HOSTILE_STRINGS, ...SOME_NUMBERS, ...SOME_STRUCTURES];
  if (s.type === 'integer' || s.type === 'number')
    return [...HOSTILE_NUMBERS, ...SOME_STRINGS, ...SOME_STRUCTURES];
  if (s.type === 'array' && s.items?.type === 'string') {
    const asItems = HOSTILE_STRINGS.map((h) => ({ label: `[${h.label}]`, value: [h.value] }));
    return [...asItems, ...SOME_NUMBERS, ...SOME_STRINGS, ...HOSTILE_STRUCTURES];
  }
  return [...SOME_STRINGS, ...SOME_NUMBERS, ...HOSTILE_STRUCTURES];
}

const toolCall = (name: string, argsJson: string): string =>
  `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":${JSON.stringify(name)},"arguments":${argsJson}}}`;

/** The message an answer carries, wherever the layer that answered put it. */
function messageOf(res: RawResponse): string {
  const j = res.json as Record<string, unknown> | undefined;
  const err = j?.error as Record<string, unknown> | string | undefined;
  if (typeof err === 'object' && typeof err.message === 'string') return err.message;
  if (typeof j?.error_description === 'string') return j.error_description;
  if (typeof j?.message === 'string') return j.message;
  return res.text.trim().slice(0, 300);
}

/** Sends one case and classifies the answer. */
async function run(url: string, kase: Case): Promise<Outcome> {
  const started = performance.now();
  const headers: Record<string, string> = { ...MCP_HEADERS, ...kase.headers };
  for (const [k, v] of Object.entries(headers)) if (v === '') delete headers[k];
  let res: RawResponse;
  try {
    res = await rawRequest(url, {
      method: kase.method ?? 'POST',
      headers,
      body: kase.body,
      timeoutMs: HANG_MS,
    });
  } catch (err) {
    const message = (err as Error).message;
    // Node's HTTP parser may drop a connection it considers malformed (an oversized header): not a server error.
    const kind = /no answer/.test(message) ? 'hang' : 'http-error';
    return { kase, kind, status: 0, message, ms: performance.now() - started };
  }
  const ms = performance.now() - started;
  const j = res.json as { result?: { isError?: boolean; content?: { text?: string }[] }; error?: unknown };
  if (res.status >= 500)
    return { kase, kind: 'server-error', status: res.status, message: messageOf(res), ms };
  if (res.status >= 400) {
    const message = messageOf(res) || `HTTP ${res.status}`;
    return { kase, kind: 'http-error', status: res.status, message, ms };
  }
  if (j?.error) return { kase, kind: 'rpc-error', status: res.status, message: messageOf(res), ms };
  if (j?.result?.isError) {
    return { kase, kind: 'tool-error', status: res.status, message: j.result.content?.[0]?.text ?? '', ms };
  }
  return { kase, kind: 'accepted', status: res.status, message: '', ms };
}

/** Runs every case, PARALLEL at a time. */
async function runAll(url: string, cases: Case[]): Promise<Outcome[]> {
  const out: Outcome[] = new Array(cases.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < cases.length) {
        const i = next++;
        out[i] = await run(url, cases[i]!);
      }
    }),
  );
  return out;
}

/** Everything wrong with a set of outcomes, one line each. */
function problems(outcomes: Outcome[]): string[] {
  const bad: string[] = [];
  for (const o of outcomes) {
    const where = `${o.kase.label} → ${o.kind} ${o.status}: ${o.message.slice(0, 160)}`;
    if (o.kind === 'hang' || o.kind === 'server-error') bad.push(where);
    else if (/internal error/i.test(o.message)) bad.push(`internal error: ${where}`);
    else if (o.kind !== 'accepted' && o.message.trim().length < 10) bad.push(`unclear error: ${where}`);
    else if (o.kase.mustFail && o.kind === 'accepted') bad.push(`accepted what must be refused: ${where}`);
  }
  return bad;
}

/** Per-kind counts, for the log. */
function tally(outcomes: Outcome[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const o of outcomes) t[o.kind] = (t[o.kind] ?? 0) + 1;
  return t;
}

describe('bad-input corpus', () => {
  let server: TestServer;
  let tools: { name: string; inputSchema: JsonSchema }[];
  let argumentCases: Case[];
  const rawCases = (list: RawCase[]): Case[] =>
    list.map((c) => ({
      label: c.label,
      body: c.body,
      headers: c.headers,
      method: c.method,
      mustFail: c.expect === 'error',
    }));

  beforeAll(async () => {
    server = await startServer({
      env: {
        MCP_CALL_TIMEOUT_MS: String(CALL_TIMEOUT_MS),
        MCP_RATE_LIMIT_PER_MINUTE: '0',
        NTFY_DEFAULT_TOPIC: 'alerts',
      },
    });
    const client = await server.client('v2');
    tools = (await client.listTools()).tools as never;
    argumentCases = tools.flatMap((tool) => [
      ...Object.entries(tool.inputSchema.properties ?? {}).flatMap(([param, schema]) =>
        valuesFor(schema).map((h) => ({
          label: `${tool.name}.${param} = ${h.label}`,
          body: toolCall(tool.name, `{${JSON.stringify(param)}:${jsonOf(h)}}`),
          mustFail: mustRefuse(schema, h),
        })),
      ),
      ...HOSTILE_ARGUMENTS.map((h) => ({
        label: `${tool.name} arguments = ${h.label}`,
        body: toolCall(tool.name, jsonOf(h)),
        // Only an object can be the arguments; an object of unknown keys is refused by the strict schemas.
        mustFail: h.mayPass === undefined,
      })),
    ]);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('holds at least 300 cases and covers every tool', () => {
    const total = argumentCases.length + MALFORMED_MESSAGES.length + HOSTILE_TRANSPORT.length;
    expect(total).toBeGreaterThanOrEqual(300);
    for (const tool of tools)
      expect(argumentCases.some((c) => c.label.startsWith(`${tool.name} `))).toBe(true);
  });

  it('answers every hostile tool argument with a result or a clear error, never 5xx or a hang', async () => {
    const started = performance.now();
    const outcomes = await runAll(server.url, argumentCases);
    const slowest = outcomes.reduce((a, b) => (b.ms > a.ms ? b : a));
    console.info(
      `bad-input corpus: ${outcomes.length} tool-argument cases in ${Math.round(performance.now() - started)} ms`,
      tally(outcomes),
      `slowest: ${slowest.kase.label} (${Math.round(slowest.ms)} ms)`,
    );
    expect(problems(outcomes)).toEqual([]);
  }, 600_000);

  it('answers every malformed JSON-RPC message with a 4xx or a JSON-RPC error', async () => {
    const outcomes = await runAll(server.url, rawCases(MALFORMED_MESSAGES));
    console.info(`bad-input corpus: ${outcomes.length} malformed messages`, tally(outcomes));
    expect(problems(outcomes)).toEqual([]);
  }, 120_000);

  it('answers hostile transport details (headers, methods, content types) without a 5xx', async () => {
    const outcomes = await runAll(server.url, rawCases(HOSTILE_TRANSPORT));
    console.info(`bad-input corpus: ${outcomes.length} transport cases`, tally(outcomes));
    expect(problems(outcomes)).toEqual([]);
  }, 120_000);

  it('is healthy afterwards: /healthz, tools/list and a normal tool call work, no prototype was polluted', async () => {
    expect((await rawRequest(`${new URL(server.url).origin}/healthz`)).status).toBe(200);
    const client = await server.client('v2');
    expect((await client.listTools()).tools.length).toBe(tools.length);
    expect(ok(await client.callTool('get_version')).server).toMatchObject({ name: 'cluster-mcp' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
