/**
 * ntfy STAND-IN for the sandbox — NOT the real ntfy server.
 *
 * The real server cannot be built from its Go module (the module lacks the embedded web assets, see
 * ../shared/research/backends.md §5), so this server implements the publish and subscribe API that cluster-mcp
 * uses, following upstream (binwiederhier/ntfy server/server.go, types.go, errors.go, util.go):
 *
 *   PUT|POST /<topic>                 body = message; Title/X-Title/ti/t, Priority/X-Priority/prio/p (1-5 or
 *                                     min|low|default|high|max|urgent), Tags/X-Tags/Tag/ta, Click/X-Click,
 *                                     Icon, Attach (URL), Markdown, Cache (also as query parameters)
 *   GET /<topic>/publish|send|trigger publish with query parameters
 *   PUT|POST /                        JSON publish {topic,title,message,priority,tags,click,icon,attach,…}
 *   GET /<t1>,<t2>/json|sse|raw       subscribe; ?poll=1 returns the cached messages and closes, otherwise the
 *                                     stream stays open (open event, live messages, keepalive events)
 *                                     since=<duration|unix time|message id|all|latest|none>, and filters
 *                                     id/message/title/tags/priority
 *   GET /<topic>/auth                 {"success":true} when the caller may read
 *   GET /v1/health                    {"healthy":true}
 *
 * NDJSON is byte-for-byte what Go's json.Encoder writes for upstream's message struct: same field order,
 * omitempty fields left out (priority only when set), HTML-safe escaping (<, >, & as \u003c…), one object per
 * line. Errors are upstream's JSON: {"code":40101,"http":401,"error":"unauthorized","link":"…"}.
 *
 * Access control: with a token (--token, --token-file or NTFY_STANDIN_TOKEN) every topic is deny-all for anonymous users
 * (403, code 40301) and a wrong token is 401 (code 40101), like `auth-default-access: deny-all` with one user's
 * token. Accepted: `Authorization: Bearer <token>`, Basic with an empty user and the token as password, and
 * the `auth` query parameter (base64url of the header value).
 *
 * Seeding (stand-in only; upstream sets message times itself): --seed-file <json> loads messages with their own
 * id/time/expires at start, in file order, as if they had been published then. Messages live in memory.
 *
 *   node sandbox/obs/ntfy-standin.ts --port 18080 --state-dir .sandbox/data/ntfy --seed-file …/seed.json
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';

interface Attachment {
  name: string;
  type?: string;
  size?: number;
  expires?: number;
  url: string;
}

interface Action {
  id: string;
  action: string;
  label: string;
  clear: boolean;
  url?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  intent?: string;
  extras?: Record<string, string>;
}

interface Message {
  id: string;
  time: number;
  expires?: number;
  event: 'message' | 'open' | 'keepalive' | 'poll_request';
  topic: string;
  title?: string;
  message?: string;
  priority?: number;
  tags?: string[];
  click?: string;
  icon?: string;
  actions?: Action[];
  attachment?: Attachment;
  poll_id?: string;
  content_type?: string;
  encoding?: string;
}

interface Stored {
  rowid: number;
  m: Message;
}

// ---------------------------------------------------------------------------------------------------------------
// Upstream errors (server/errors.go)
// ---------------------------------------------------------------------------------------------------------------

class HttpError extends Error {
  readonly code: number;
  readonly http: number;
  readonly link: string;
  constructor(code: number, http: number, message: string, link = '') {
    super(message);
    this.code = code;
    this.http = http;
    this.link = link;
  }
}

const AUTH_LINK = 'https://ntfy.sh/docs/publish/#authentication';
const E = {
  emailDisabled: () =>
    new HttpError(
      40001,
      400,
      'e-mail notifications are not enabled',
      'https://ntfy.sh/docs/config/#e-mail-notifications',
    ),
  priorityInvalid: () =>
    new HttpError(40007, 400, 'invalid priority parameter', 'https://ntfy.sh/docs/publish/#message-priority'),
  sinceInvalid: () =>
    new HttpError(
      40008,
      400,
      'invalid since parameter',
      'https://ntfy.sh/docs/subscribe/api/#fetch-cached-messages',
    ),
  topicInvalid: () => new HttpError(40009, 400, 'invalid request: topic invalid'),
  topicDisallowed: () => new HttpError(40010, 400, 'invalid request: topic name is disallowed'),
  notUtf8: () => new HttpError(40011, 400, 'invalid message: message must be UTF-8 encoded'),
  attachmentURLInvalid: () =>
    new HttpError(
      40013,
      400,
      'invalid request: attachment URL is invalid',
      'https://ntfy.sh/docs/publish/#attachments',
    ),
  attachmentsDisallowed: () =>
    new HttpError(
      40014,
      400,
      'invalid request: attachments not allowed',
      'https://ntfy.sh/docs/config/#attachments',
    ),
  jsonInvalid: () =>
    new HttpError(
      40017,
      400,
      'invalid request: request body must be message JSON',
      'https://ntfy.sh/docs/publish/#publish-as-json',
    ),
  iconURLInvalid: () =>
    new HttpError(40021, 400, 'invalid request: icon URL is invalid', 'https://ntfy.sh/docs/publish/#icons'),
  unauthorized: () => new HttpError(40101, 401, 'unauthorized', AUTH_LINK),
  forbidden: () => new HttpError(40301, 403, 'forbidden', AUTH_LINK),
  notFound: () => new HttpError(40401, 404, 'page not found'),
  jsonTooLarge: () => new HttpError(41303, 413, 'JSON body too large'),
  notImplemented: (what: string) =>
    new HttpError(50101, 501, `ntfy stand-in (sandbox): ${what} is not implemented`),
};

// ---------------------------------------------------------------------------------------------------------------
// State and options
// ---------------------------------------------------------------------------------------------------------------

const TOPIC = '[-_A-Za-z0-9]{1,64}';
const topicPathRegex = new RegExp(`^/${TOPIC}$`);
const subscribePathRegex = new RegExp(`^/(${TOPIC}(?:,${TOPIC})*)/(json|sse|raw|auth)$`);
const publishPathRegex = new RegExp(`^/(${TOPIC})/(publish|send|trigger)$`);
const topicRegex = new RegExp(`^${TOPIC}$`);
const disallowedTopics = [
  'docs',
  'static',
  'file',
  'app',
  'metrics',
  'account',
  'settings',
  'signup',
  'login',
  'v1',
];
const urlRegex = /^https?:\/\//;
const ID_CHARSET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MESSAGE_LIMIT = 4096;
const JSON_BODY_LIMIT = 16384;

const stored: Stored[] = [];
let nextRow = 1;
const subscribers = new Map<string, Set<(m: Message) => void>>();

const opts = { token: '', keepaliveMs: 45_000, cacheSeconds: 72 * 3600 };

function randomId(n = 12): string {
  let s = '';
  for (let i = 0; i < n; i++) s += ID_CHARSET[Math.floor(Math.random() * ID_CHARSET.length)];
  return s;
}

const validMessageId = (s: string): boolean => /^[a-zA-Z0-9]{12}$/.test(s);
const nowSec = (): number => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------------------------------------------------------
// Encoding like Go's json.Encoder over upstream's structs
// ---------------------------------------------------------------------------------------------------------------

/** Go's encoding/json escapes <, >, & and U+2028/2029 (HTML-safe); these only occur inside strings. */
function goJson(v: unknown): string {
  return JSON.stringify(v).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The message struct in field order, omitempty fields dropped. */
function messageObject(m: Message): Record<string, unknown> {
  const o: Record<string, unknown> = { id: m.id, time: m.time };
  if (m.expires) o.expires = m.expires;
  o.event = m.event;
  o.topic = m.topic;
  if (m.title) o.title = m.title;
  if (m.message) o.message = m.message;
  if (m.priority) o.priority = m.priority;
  if (m.tags?.length) o.tags = m.tags;
  if (m.click) o.click = m.click;
  if (m.icon) o.icon = m.icon;
  if (m.actions?.length) {
    o.actions = m.actions.map((a) => {
      const x: Record<string, unknown> = { id: a.id, action: a.action, label: a.label, clear: a.clear };
      if (a.url) x.url = a.url;
      if (a.method) x.method = a.method;
      if (a.headers && Object.keys(a.headers).length) x.headers = a.headers;
      if (a.body) x.body = a.body;
      if (a.intent) x.intent = a.intent;
      if (a.extras && Object.keys(a.extras).length) x.extras = a.extras;
      return x;
    });
  }
  if (m.attachment) {
    const a = m.attachment;
    const x: Record<string, unknown> = { name: a.name };
    if (a.type) x.type = a.type;
    if (a.size) x.size = a.size;
    if (a.expires) x.expires = a.expires;
    x.url = a.url;
    o.attachment = x;
  }
  if (m.poll_id) o.poll_id = m.poll_id;
  if (m.content_type) o.content_type = m.content_type;
  if (m.encoding) o.encoding = m.encoding;
  return o;
}

const encodeJson = (m: Message): string => `${goJson(messageObject(m))}\n`;

function encodeSse(m: Message): string {
  const data = encodeJson(m);
  return m.event === 'message' ? `data: ${data}\n` : `event: ${m.event}\ndata: ${data}\n`;
}

function encodeRaw(m: Message): string {
  return m.event === 'message' ? `${(m.message ?? '').replace(/\n/g, ' ')}\n` : '\n';
}

function sendError(res: ServerResponse, e: HttpError): void {
  const body: Record<string, unknown> = { code: e.code, http: e.http, error: e.message };
  if (e.link) body.link = e.link;
  if (!res.headersSent)
    res.writeHead(e.http, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
  res.end(`${goJson(body)}\n`);
}

function sendJson(res: ServerResponse, body: unknown): void {
  res
    .writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' })
    .end(`${goJson(body)}\n`);
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters (server/util.go readParam, util.ParsePriority)
// ---------------------------------------------------------------------------------------------------------------

/** RFC 2047 "B" encoded words, which upstream decodes in header values. */
function maybeDecodeHeader(v: string): string {
  return v.replace(/=\?utf-8\?b\?([A-Za-z0-9+/=]+)\?=/gi, (_, b64: string) =>
    Buffer.from(b64, 'base64').toString('utf8'),
  );
}

function readParam(req: IncomingMessage, url: URL, ...names: string[]): string {
  for (const n of names) {
    const h = req.headers[n.toLowerCase()];
    const v = maybeDecodeHeader((Array.isArray(h) ? h[0] : h) ?? '').trim();
    if (v) return v;
  }
  for (const n of names) {
    const v = url.searchParams.get(n.toLowerCase());
    if (v) return v.trim();
  }
  return '';
}

function readBoolParam(req: IncomingMessage, url: URL, def: boolean, ...names: string[]): boolean {
  const v = readParam(req, url, ...names).toLowerCase();
  if (v === '1' || v === 'yes' || v === 'true') return true;
  if (v === '0' || v === 'no' || v === 'false') return false;
  return def;
}

export function parsePriority(p: string): number {
  const v = p.trim().toLowerCase();
  const map: Record<string, number> = {
    '': 0,
    '1': 1,
    min: 1,
    '2': 2,
    low: 2,
    '3': 3,
    default: 3,
    '4': 4,
    high: 4,
    '5': 5,
    max: 5,
    urgent: 5,
  };
  if (v in map) return map[v] as number;
  // Cloudflare's "Priority: u=…" HTTP header is ignored upstream.
  if (v.startsWith('u=')) return 3;
  throw E.priorityInvalid();
}

/** Go durations plus upstream's d/w/mo/y units; seconds. */
function parseSinceDuration(s: string): number | undefined {
  const m = /^(\d+)(s|m|h|d|w|mo|y)$/.exec(s);
  if (m) {
    const mult: Record<string, number> = {
      s: 1,
      m: 60,
      h: 3600,
      d: 86400,
      w: 7 * 86400,
      mo: 30 * 86400,
      y: 365 * 86400,
    };
    return Number(m[1]) * (mult[m[2] as string] as number);
  }
  const go = /^((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))+$/.test(s);
  if (!go) return undefined;
  let total = 0;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  for (const part of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g))
    total += Number(part[1]) * (unit[part[2] as string] as number);
  return total;
}

type Since =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'latest' }
  | { kind: 'time'; time: number }
  | { kind: 'id'; id: string };

function parseSince(req: IncomingMessage, url: URL, poll: boolean): Since {
  const since = readParam(req, url, 'x-since', 'since', 'si');
  if (since === '') return poll ? { kind: 'all' } : { kind: 'none' };
  if (since === 'all') return { kind: 'all' };
  if (since === 'none') return { kind: 'none' };
  if (since === 'latest') return { kind: 'latest' };
  if (validMessageId(since)) return { kind: 'id', id: since };
  if (/^\d+$/.test(since)) return { kind: 'time', time: Number(since) };
  const d = parseSinceDuration(since);
  if (d !== undefined) return { kind: 'time', time: Math.floor(Date.now() / 1000 - d) };
  throw E.sinceInvalid();
}

interface Filters {
  id: string;
  message: string;
  title: string;
  tags: string[];
  priorities: number[];
}

function parseFilters(req: IncomingMessage, url: URL): Filters {
  const split = (s: string): string[] => s.split(',').filter((x) => x !== '');
  return {
    id: readParam(req, url, 'x-id', 'id'),
    message: readParam(req, url, 'x-message', 'message', 'm'),
    title: readParam(req, url, 'x-title', 'title', 't'),
    tags: split(readParam(req, url, 'x-tags', 'tags', 'tag', 'ta')),
    priorities: split(readParam(req, url, 'x-priority', 'priority', 'prio', 'p')).map(parsePriority),
  };
}

function passes(f: Filters, m: Message): boolean {
  if (m.event !== 'message') return true;
  if (f.id && m.id !== f.id) return false;
  if (f.message && m.message !== f.message) return false;
  if (f.title && m.title !== f.title) return false;
  // For filters, "not set" (0) is the default priority 3.
  if (f.priorities.length && !f.priorities.includes(m.priority || 3)) return false;
  if (f.tags.length && !f.tags.every((t) => (m.tags ?? []).includes(t))) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Access control
// ---------------------------------------------------------------------------------------------------------------

/** 'anonymous' | 'user'; throws 401 for credentials that do not match (upstream fails those before routing). */
function authenticate(req: IncomingMessage, url: URL): 'anonymous' | 'user' {
  let header = req.headers.authorization ?? '';
  const q = url.searchParams.get('auth');
  if (!header && q) header = Buffer.from(q, 'base64url').toString('utf8');
  if (!header || !opts.token) return 'anonymous';
  const bearer = /^Bearer\s+(.+)$/i.exec(header);
  if (bearer) {
    if (bearer[1]?.trim() === opts.token) return 'user';
    throw E.unauthorized();
  }
  const basic = /^Basic\s+(.+)$/i.exec(header);
  if (basic) {
    const [user, ...rest] = Buffer.from(basic[1] as string, 'base64')
      .toString('utf8')
      .split(':');
    if (user === '' && rest.join(':') === opts.token) return 'user';
  }
  throw E.unauthorized();
}

function authorize(who: 'anonymous' | 'user'): void {
  if (opts.token && who !== 'user') throw E.forbidden();
}

// ---------------------------------------------------------------------------------------------------------------
// Publish
// ---------------------------------------------------------------------------------------------------------------

async function readBody(req: IncomingMessage, max: number): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of req) {
    const b = chunk as Buffer;
    if (size + b.length > max) {
      truncated = true;
      chunks.push(b.subarray(0, Math.max(0, max - size)));
      size = max;
      continue;
    }
    chunks.push(b);
    size += b.length;
  }
  return { body: Buffer.concat(chunks), truncated };
}

function checkTopic(topic: string): void {
  if (!topicRegex.test(topic)) throw E.topicInvalid();
  if (disallowedTopics.includes(topic)) throw E.topicDisallowed();
}

function store(m: Message): void {
  stored.push({ rowid: nextRow++, m });
}

function broadcast(m: Message): void {
  for (const fn of subscribers.get(m.topic) ?? []) fn(m);
}

interface PublishInput {
  topic: string;
  title: string;
  message: string;
  priority: number;
  tags: string[];
  click: string;
  icon: string;
  attach: string;
  filename: string;
  markdown: boolean;
  cache: boolean;
  actions?: Action[];
  email: string;
  delay: string;
}

function publish(input: PublishInput, body: Buffer | undefined, truncated: boolean): Message {
  checkTopic(input.topic);
  if (input.email) throw E.emailDisabled();
  if (input.delay) throw E.notImplemented('delayed delivery (Delay/At/In)');
  if (input.icon && !urlRegex.test(input.icon)) throw E.iconURLInvalid();
  if (input.attach && !urlRegex.test(input.attach)) throw E.attachmentURLInvalid();
  const time = nowSec();
  const m: Message = {
    id: randomId(),
    time,
    expires: time + opts.cacheSeconds,
    event: 'message',
    topic: input.topic,
  };
  if (input.title) m.title = input.title;
  if (input.priority) m.priority = input.priority;
  if (input.tags.length) m.tags = input.tags;
  if (input.click) m.click = input.click;
  if (input.icon) m.icon = input.icon;
  if (input.actions?.length) m.actions = input.actions;
  if (input.markdown) m.content_type = 'text/markdown';
  let text = input.message.replace(/\\n/g, '\n');
  if (body && body.length > 0) {
    const asText = body.toString('utf8');
    const valid = Buffer.from(asText, 'utf8').equals(body);
    if (input.attach) {
      if (!valid) throw E.notUtf8();
      text = asText.trim();
    } else if (input.filename || truncated || !valid) {
      // Upstream stores such bodies as file attachments, which need an attachment cache (not configured).
      throw E.attachmentsDisallowed();
    } else {
      text = asText.trim();
    }
  } else if (input.filename) {
    throw E.attachmentsDisallowed();
  }
  if (input.attach) {
    let name = input.filename;
    if (!name) {
      try {
        name = new URL(input.attach).pathname.split('/').pop() ?? '';
      } catch {
        name = '';
      }
    }
    m.attachment = { name: name || 'attachment', url: input.attach };
    if (!text) text = `You received a file: ${m.attachment.name}`;
  }
  m.message = text || 'triggered';
  if (input.cache) store(m);
  broadcast(m);
  return m;
}

async function handlePublishHttp(
  req: IncomingMessage,
  url: URL,
  topic: string,
  withBody: boolean,
): Promise<Message> {
  const tags = readParam(req, url, 'x-tags', 'tags', 'tag', 'ta')
    .split(',')
    .filter((t) => t !== '')
    .map((t) => t.trim());
  if (readParam(req, url, 'x-actions', 'actions', 'action')) throw E.notImplemented('the Actions header');
  const input: PublishInput = {
    topic,
    title: readParam(req, url, 'x-title', 'title', 'ti', 't'),
    message: readParam(req, url, 'x-message', 'message', 'm'),
    priority: parsePriority(readParam(req, url, 'x-priority', 'priority', 'prio', 'p')),
    tags,
    click: readParam(req, url, 'x-click', 'click'),
    icon: readParam(req, url, 'x-icon', 'icon'),
    attach: readParam(req, url, 'x-attach', 'attach', 'a'),
    filename: readParam(req, url, 'x-filename', 'filename', 'file', 'f'),
    markdown: readBoolParam(req, url, false, 'x-markdown', 'markdown', 'md'),
    cache: readBoolParam(req, url, true, 'x-cache', 'cache'),
    email: readParam(req, url, 'x-email', 'x-e-mail', 'email', 'e-mail', 'mail', 'e'),
    delay: readParam(req, url, 'x-delay', 'delay', 'x-at', 'at', 'x-in', 'in'),
  };
  const { body, truncated } = withBody
    ? await readBody(req, MESSAGE_LIMIT)
    : { body: undefined, truncated: false };
  return publish(input, body, truncated);
}

async function handlePublishJson(req: IncomingMessage, url: URL): Promise<Message> {
  const { body, truncated } = await readBody(req, JSON_BODY_LIMIT);
  if (truncated) throw E.jsonTooLarge();
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (!j || typeof j !== 'object' || Array.isArray(j)) throw new Error('not an object');
  } catch {
    throw E.jsonInvalid();
  }
  const str = (k: string): string => (typeof j[k] === 'string' ? (j[k] as string) : '');
  const priority = j.priority === undefined || j.priority === null ? 0 : Number(j.priority);
  if (!Number.isInteger(priority) || priority < 0 || priority > 5) throw E.priorityInvalid();
  const actions = Array.isArray(j.actions)
    ? (j.actions as Record<string, unknown>[]).map(
        (a): Action => ({
          id: randomId(10),
          action: String(a.action ?? ''),
          label: String(a.label ?? ''),
          clear: a.clear === true,
          ...(typeof a.url === 'string' ? { url: a.url } : {}),
          ...(typeof a.method === 'string' ? { method: a.method } : {}),
          ...(typeof a.body === 'string' ? { body: a.body } : {}),
          ...(typeof a.intent === 'string' ? { intent: a.intent } : {}),
        }),
      )
    : undefined;
  const input: PublishInput = {
    topic: str('topic'),
    title: str('title'),
    message: str('message'),
    priority,
    tags: Array.isArray(j.tags) ? (j.tags as unknown[]).map(String) : [],
    click: str('click'),
    icon: str('icon'),
    attach: str('attach'),
    filename: str('filename'),
    markdown: j.markdown === true,
    cache: readBoolParam(req, url, true, 'x-cache', 'cache'),
    email: str('email'),
    delay: str('delay'),
    ...(actions ? { actions } : {}),
  };
  return publish(input, undefined, false);
}

// ---------------------------------------------------------------------------------------------------------------
// Subscribe
// ---------------------------------------------------------------------------------------------------------------

/** Cached messages per topic (ordered by time, then insertion), merged over topics and sorted by time. */
function oldMessages(topics: string[], since: Since): Message[] {
  if (since.kind === 'none') return [];
  const now = nowSec();
  const all: Stored[] = [];
  for (const topic of topics) {
    const live = stored.filter(
      (s) => s.m.topic === topic && (s.m.expires ?? Number.POSITIVE_INFINITY) > now && s.m.time <= now,
    );
    live.sort((a, b) => a.m.time - b.m.time || a.rowid - b.rowid);
    if (since.kind === 'latest') {
      const last = live.at(-1);
      if (last) all.push(last);
      continue;
    }
    if (since.kind === 'id') {
      // The row of that id in any topic; an unknown id means "all messages" (upstream's messagesSinceID).
      const row = stored.find((s) => s.m.id === since.id)?.rowid;
      all.push(...(row === undefined ? live : live.filter((s) => s.rowid > row)));
      continue;
    }
    const from = since.kind === 'time' ? since.time : 0;
    all.push(...live.filter((s) => s.m.time >= from));
  }
  all.sort((a, b) => a.m.time - b.m.time || a.rowid - b.rowid);
  return all.map((s) => s.m);
}

function handleSubscribe(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  topicsStr: string,
  format: string,
): void {
  const topics = topicsStr.split(',').filter((t) => t !== '');
  // Upstream's topicsFromPath turns any topic error (a disallowed name too) into "topic invalid".
  for (const t of topics) if (disallowedTopics.includes(t)) throw E.topicInvalid();
  if (format === 'auth') {
    sendJson(res, { success: true });
    return;
  }
  const poll = readBoolParam(req, url, false, 'x-poll', 'poll', 'po');
  const since = parseSince(req, url, poll);
  const filters = parseFilters(req, url);
  const encoder = format === 'sse' ? encodeSse : format === 'raw' ? encodeRaw : encodeJson;
  const contentType =
    format === 'sse' ? 'text/event-stream' : format === 'raw' ? 'text/plain' : 'application/x-ndjson';
  res.writeHead(200, { 'content-type': `${contentType}; charset=utf-8`, 'access-control-allow-origin': '*' });
  const send = (m: Message): void => {
    if (passes(filters, m)) res.write(encoder(m));
  };
  if (poll) {
    for (const m of oldMessages(topics, since)) send(m);
    res.end();
    return;
  }
  const control = (event: 'open' | 'keepalive'): Message => ({
    id: randomId(),
    time: nowSec(),
    event,
    topic: topicsStr,
  });
  send(control('open'));
  for (const m of oldMessages(topics, since)) send(m);
  for (const t of topics) {
    let set = subscribers.get(t);
    if (!set) {
      set = new Set();
      subscribers.set(t, set);
    }
    set.add(send);
  }
  const keepalive = setInterval(() => send(control('keepalive')), opts.keepaliveMs);
  const cleanup = (): void => {
    clearInterval(keepalive);
    for (const t of topics) subscribers.get(t)?.delete(send);
  };
  req.on('close', cleanup);
  res.on('close', cleanup);
}

// ---------------------------------------------------------------------------------------------------------------

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  const who = authenticate(req, url);
  if (method === 'GET' && path === '/v1/health') {
    sendJson(res, { healthy: true });
    return;
  }
  if ((method === 'PUT' || method === 'POST') && path === '/') {
    authorize(who);
    sendJson(res, messageObject(await handlePublishJson(req, url)));
    return;
  }
  if ((method === 'PUT' || method === 'POST') && topicPathRegex.test(path)) {
    authorize(who);
    sendJson(res, messageObject(await handlePublishHttp(req, url, path.slice(1), true)));
    return;
  }
  const pub = publishPathRegex.exec(path);
  if (method === 'GET' && pub) {
    authorize(who);
    sendJson(res, messageObject(await handlePublishHttp(req, url, pub[1] as string, false)));
    return;
  }
  const sub = subscribePathRegex.exec(path);
  if (method === 'GET' && sub) {
    authorize(who);
    handleSubscribe(req, res, url, sub[1] as string, sub[2] as string);
    return;
  }
  if (method === 'OPTIONS') {
    res
      .writeHead(200, {
        'access-control-allow-methods': 'GET, PUT, POST, PATCH, DELETE',
        'access-control-allow-origin': '*',
        'access-control-allow-headers': '*',
      })
      .end();
    return;
  }
  throw E.notFound();
}

function loadSeed(file: string): number {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { messages?: Message[] };
  let n = 0;
  for (const raw of parsed.messages ?? []) {
    const m: Message = { ...raw, event: 'message' };
    checkTopic(m.topic);
    if (!validMessageId(m.id)) throw new Error(`seed: invalid message id ${m.id}`);
    store(m);
    n++;
  }
  return n;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '18080' },
      'state-dir': { type: 'string' },
      'seed-file': { type: 'string' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'keepalive-interval': { type: 'string', default: '45' },
      'cache-duration': { type: 'string', default: String(72 * 3600) },
    },
  });
  const fromFile = values['token-file'] ? readFileSync(values['token-file'], 'utf8').trim() : undefined;
  opts.token = values.token ?? fromFile ?? process.env.NTFY_STANDIN_TOKEN ?? '';
  opts.keepaliveMs = Number(values['keepalive-interval']) * 1000;
  opts.cacheSeconds = Number(values['cache-duration']);
  const seeded = values['seed-file'] ? loadSeed(values['seed-file']) : 0;
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (e instanceof HttpError) sendError(res, e);
      else {
        console.error(e);
        sendError(res, new HttpError(50001, 500, 'internal server error'));
      }
    });
  });
  server.listen(Number(values.port), '127.0.0.1', () => {
    console.log(
      `ntfy stand-in listening on http://127.0.0.1:${values.port}; ${seeded} seeded message(s); access control: ${opts.token ? 'token required' : 'open'}`,
    );
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (import.meta.main) main();
