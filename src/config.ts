/**
 * Configuration: the only reader of process.env. Every setting is an environment variable and the same
 * setting as a command-line flag (`PROMETHEUS_URL` ⇔ `--prometheus-url`, `MCP_PORT` ⇔ `--port`).
 * Everything is validated at start and every bad value is reported at once.
 */
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = z.url({ protocol: /^https?$/ }).transform((v) => v.replace(/\/+$/, ''));
const optionalFile = z.string().min(1).optional();

interface Setting {
  env: string;
  schema: z.ZodType;
  default?: string;
  help: string;
}

/** Every setting, in the order `--help` and the README list them. */
export const SETTINGS = [
  { env: 'MCP_HOST', schema: z.string().min(1), default: '127.0.0.1', help: 'Address to listen on.' },
  { env: 'MCP_PORT', schema: int(0, 65535), default: '8080', help: 'Port to listen on (0 = any free port).' },
  {
    env: 'MCP_TLS_CERT_FILE',
    schema: optionalFile,
    help: 'PEM certificate for direct HTTPS (with MCP_TLS_KEY_FILE).',
  },
  { env: 'MCP_TLS_KEY_FILE', schema: optionalFile, help: 'PEM private key for direct HTTPS.' },
  {
    env: 'MCP_AUTH_MODE',
    schema: z.enum(['none', 'bearer', 'oauth']),
    default: 'none',
    help: 'Client authentication: none (loopback only unless MCP_ALLOW_UNAUTHENTICATED), bearer, oauth.',
  },
  {
    env: 'MCP_ALLOW_UNAUTHENTICATED',
    schema: bool,
    default: 'false',
    help: 'Allow auth mode none on a non-loopback address (logs a warning).',
  },
  {
    env: 'MCP_BEARER_TOKENS_FILE',
    schema: optionalFile,
    help: 'Bearer mode: file with one "name:token" per line; re-read when it changes.',
  },
  {
    env: 'MCP_OAUTH_ISSUER',
    // Kept verbatim: it must equal the tokens' `iss` claim, trailing slash included.
    schema: z.url({ protocol: /^https?$/ }).optional(),
    help: "OAuth mode: issuer URL exactly as in the tokens' iss claim (its metadata names the JWKS).",
  },
  {
    env: 'MCP_OAUTH_JWKS_URL',
    schema: url.optional(),
    help: 'OAuth mode: JWKS URL, when the issuer publishes no metadata.',
  },
  {
    env: 'MCP_OAUTH_REQUIRED_SCOPES',
    schema: list,
    default: 'mcp:read',
    help: 'OAuth mode: scopes every token must carry (comma-separated).',
  },
  {
    env: 'MCP_OAUTH_ALGORITHMS',
    schema: list,
    default: 'RS256,ES256,PS256,EdDSA',
    help: 'OAuth mode: accepted JWT signature algorithms (asymmetric only).',
  },
  {
    env: 'MCP_OAUTH_CLOCK_TOLERANCE_SECONDS',
    schema: int(0, 600),
    default: '30',
    help: 'OAuth mode: clock skew allowed when checking exp and nbf.',
  },
  {
    env: 'MCP_RESOURCE_URL',
    schema: url.optional(),
    help: 'Public URL of the MCP endpoint (OAuth audience and RFC 9728 resource), e.g. https://mcp.example.com/mcp.',
  },
  {
    env: 'MCP_ALLOWED_ORIGINS',
    schema: list,
    default: '',
    help: 'Browser Origins allowed to call /mcp: full origins or host names, comma-separated (loopback ones are allowed when bound to loopback). Requests without Origin pass.',
  },
  {
    env: 'MCP_ALLOWED_HOSTS',
    schema: list,
    default: '',
    help: 'Host names allowed in the Host header of /mcp (plus loopback names when bound to loopback). Unset on a non-loopback address: any Host (auth is required there).',
  },
  {
    env: 'MCP_METRICS_TOKEN_FILE',
    schema: optionalFile,
    help: 'If set, /metrics requires this bearer token.',
  },
  {
    env: 'MCP_MAX_BODY_BYTES',
    schema: int(1024, 16 * 1024 * 1024),
    default: '1048576',
    help: 'Largest accepted request body.',
  },
  {
    env: 'MCP_RATE_LIMIT_PER_MINUTE',
    schema: int(0, 1_000_000),
    default: '600',
    help: 'Requests per minute per caller identity (0 = off).',
  },
  {
    env: 'MCP_MAX_CONCURRENT_CALLS',
    schema: int(1, 10_000),
    default: '64',
    help: 'MCP requests (tool calls) in flight at once; beyond it 503 with Retry-After.',
  },
  {
    env: 'MCP_MAX_JSON_DEPTH',
    schema: int(8, 1000),
    default: '64',
    help: 'Deepest JSON nesting accepted in a request body.',
  },
  {
    env: 'MCP_CALL_TIMEOUT_MS',
    schema: int(100, 600_000),
    default: '30000',
    help: 'Deadline of one tool call.',
  },
  {
    env: 'MCP_REDACT_SECRETS',
    schema: bool,
    default: 'true',
    help: 'Mask secret-looking strings in logs and in log lines / notification bodies returned to the model.',
  },
  {
    env: 'KUBE_TIMEOUT_MS',
    schema: int(100, 600_000),
    default: '10000',
    help: 'Timeout of one Kubernetes API request.',
  },
  {
    env: 'KUBE_CONTEXT',
    schema: z.string().min(1).optional(),
    help: 'kubeconfig context (default: current).',
  },
  {
    env: 'KUBE_POD_CACHE',
    schema: bool,
    default: 'true',
    help: 'Keep a watch-backed cache of projected pods so get_pods and pod counts answer from memory (needs list and watch on pods cluster-wide; until it has synced, and when it cannot, tools read from the API server).',
  },
  {
    env: 'KUBE_POD_CACHE_MAX',
    schema: int(1, 100_000),
    default: '50000',
    help: 'Most pods the cache holds (under 1 KB of memory each); with more, it turns itself off and tools read from the API server.',
  },
  {
    env: 'PROMETHEUS_URL',
    schema: url.optional(),
    help: 'Prometheus base URL, e.g. http://prometheus:9090.',
  },
  {
    env: 'ALERTMANAGER_URL',
    schema: url.optional(),
    help: 'Alertmanager base URL, e.g. http://alertmanager:9093.',
  },
  { env: 'LOKI_URL', schema: url.optional(), help: 'Loki base URL, e.g. http://loki:3100.' },
  {
    env: 'LOKI_TENANT',
    schema: z.string().min(1).optional(),
    help: 'Loki tenant, sent as X-Scope-OrgID.',
  },
  { env: 'NTFY_URL', schema: url.optional(), help: 'ntfy base URL, e.g. http://ntfy.ntfy.svc.' },
  {
    env: 'NTFY_DEFAULT_TOPIC',
    schema: z
      .string()
      .regex(/^[-_A-Za-z0-9]{1,64}$/)
      .optional(),
    help: 'Topic get_notifications reads when none is given.',
  },
  ...(['PROMETHEUS', 'ALERTMANAGER', 'LOKI', 'NTFY'] as const).flatMap((b) => [
    { env: `${b}_TOKEN_FILE`, schema: optionalFile, help: `${b} bearer token file (re-read on change).` },
    { env: `${b}_TOKEN`, schema: z.string().min(1).optional(), help: `${b} bearer token (prefer the file).` },
    { env: `${b}_USERNAME`, schema: z.string().min(1).optional(), help: `${b} basic-auth user.` },
    { env: `${b}_PASSWORD_FILE`, schema: optionalFile, help: `${b} basic-auth password file.` },
    {
      env: `${b}_TIMEOUT_MS`,
      schema: int(100, 600_000),
      default: '10000',
      help: `Timeout of one ${b} request.`,
    },
  ]),
  {
    env: 'BACKEND_MAX_RESPONSE_BYTES',
    schema: int(1024, 256 * 1024 * 1024),
    default: '8388608',
    help: 'Largest backend answer read; a larger one is an error that says how to narrow the query.',
  },
  {
    env: 'LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    help: 'Log level.',
  },
] as const satisfies readonly Setting[];

export type BackendName = 'prometheus' | 'alertmanager' | 'loki' | 'ntfy';

export interface BackendConfig {
  name: BackendName;
  url?: string;
  token?: string;
  tokenFile?: string;
  username?: string;
  passwordFile?: string;
  timeoutMs: number;
  /** Extra headers (Loki tenant). */
  headers: Record<string, string>;
}

export interface Config {
  host: string;
  port: number;
  tls?: { certFile: string; keyFile: string };
  auth: {
    mode: 'none' | 'bearer' | 'oauth';
    allowUnauthenticated: boolean;
    bearerTokensFile?: string;
    oauth: {
      issuer?: string;
      jwksUrl?: string;
      requiredScopes: string[];
      algorithms: string[];
      clockToleranceSeconds: number;
    };
    resourceUrl?: string;
  };
  allowedOrigins: string[];
  allowedHosts: string[];
  metricsTokenFile?: string;
  limits: {
    maxBodyBytes: number;
    rateLimitPerMinute: number;
    maxConcurrentCalls: number;
    maxJsonDepth: number;
    callTimeoutMs: number;
    backendMaxResponseBytes: number;
  };
  redactSecrets: boolean;
  kube: {
    timeoutMs: number;
    context?: string;
    /** Watch-backed pod cache: on/off and the most pods it holds. */
    podCache: boolean;
    podCacheMax: number;
  };
  backends: Record<BackendName, BackendConfig>;
  ntfyDefaultTopic?: string;
  logLevel: string;
}

/** JWT signature algorithms that can be verified with an issuer's public keys (never `none`, never HMAC). */
const JWT_ALGORITHMS = new Set([
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
]);
/** A host name or IP (IPv6 in brackets), optionally with a port. */
const HOSTNAME =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function validOriginEntry(entry: string): boolean {
  if (entry === '*' || /^[a-z][a-z0-9+.-]*:\/\/\*$/.test(entry)) return true;
  if (!entry.includes('://')) return HOSTNAME.test(entry);
  try {
    const u = new URL(entry);
    return u.origin !== 'null' && `${u.origin}/`.startsWith(entry.toLowerCase().replace(/\/$/, ''));
  } catch {
    return false;
  }
}

/** `PROMETHEUS_URL` → `--prometheus-url`; `MCP_PORT` → `--port`. */
export function flagName(env: string): string {
  return `--${env.replace(/^MCP_/, '').toLowerCase().replaceAll('_', '-')}`;
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

/** Parses `--flag value` / `--flag=value` pairs into env-style keys. Unknown flags are problems. */
function flagsToEnv(argv: string[], problems: string[]): Record<string, string> {
  const byFlag = new Map<string, string>(SETTINGS.map((s) => [flagName(s.env), s.env]));
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const env = byFlag.get(flag);
    if (!env) {
      problems.push(`${flag}: unknown flag (see --help)`);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) {
      problems.push(`${flag}: missing value`);
      continue;
    }
    out[env] = value;
  }
  return out;
}

/**
 * Reads configuration from the environment and flags (flags win).
 * @throws ConfigError listing every invalid value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = []): Config {
  const problems: string[] = [];
  const raw: Record<string, string | undefined> = { ...env, ...flagsToEnv(argv, problems) };
  const v: Record<string, unknown> = {};
  for (const s of SETTINGS as readonly Setting[]) {
    const given = raw[s.env];
    const value = given === undefined || given === '' ? s.default : given;
    if (value === undefined) continue;
    const parsed = s.schema.safeParse(value);
    if (parsed.success) v[s.env] = parsed.data;
    else
      problems.push(
        `${s.env} (${flagName(s.env)}) = ${JSON.stringify(value).slice(0, 80)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
  }
  const str = (k: string): string | undefined => v[k] as string | undefined;
  const num = (k: string): number => v[k] as number;

  if ((str('MCP_TLS_CERT_FILE') === undefined) !== (str('MCP_TLS_KEY_FILE') === undefined))
    problems.push('MCP_TLS_CERT_FILE and MCP_TLS_KEY_FILE go together: set both or neither');
  const mode = v.MCP_AUTH_MODE as Config['auth']['mode'] | undefined;
  if (mode === 'bearer' && !str('MCP_BEARER_TOKENS_FILE'))
    problems.push('MCP_AUTH_MODE=bearer needs MCP_BEARER_TOKENS_FILE');
  if (mode === 'oauth') {
    if (!str('MCP_OAUTH_ISSUER')) problems.push('MCP_AUTH_MODE=oauth needs MCP_OAUTH_ISSUER');
    if (!str('MCP_RESOURCE_URL'))
      problems.push('MCP_AUTH_MODE=oauth needs MCP_RESOURCE_URL (the audience tokens must carry)');
  }
  const badAlgs = ((v.MCP_OAUTH_ALGORITHMS as string[] | undefined) ?? []).filter(
    (a) => !JWT_ALGORITHMS.has(a),
  );
  if (badAlgs.length > 0)
    problems.push(
      `MCP_OAUTH_ALGORITHMS: ${badAlgs.join(', ')} not accepted; use asymmetric ones: ${[...JWT_ALGORITHMS].join(', ')}`,
    );
  for (const h of (v.MCP_ALLOWED_HOSTS as string[] | undefined) ?? [])
    if (h !== '*' && !HOSTNAME.test(h))
      problems.push(`MCP_ALLOWED_HOSTS: ${JSON.stringify(h)} is not a host name`);
  for (const o of (v.MCP_ALLOWED_ORIGINS as string[] | undefined) ?? [])
    if (!validOriginEntry(o))
      problems.push(
        `MCP_ALLOWED_ORIGINS: ${JSON.stringify(o)} is not an origin (https://app.example.com), a host name or scheme://*`,
      );
  if (problems.length > 0) throw new ConfigError(problems);

  const backend = (name: BackendName): BackendConfig => {
    const B = name.toUpperCase();
    return {
      name,
      url: str(`${B}_URL`),
      token: str(`${B}_TOKEN`),
      tokenFile: str(`${B}_TOKEN_FILE`),
      username: str(`${B}_USERNAME`),
      passwordFile: str(`${B}_PASSWORD_FILE`),
      timeoutMs: num(`${B}_TIMEOUT_MS`),
      headers: name === 'loki' && str('LOKI_TENANT') ? { 'X-Scope-OrgID': str('LOKI_TENANT')! } : {},
    };
  };
  const cert = str('MCP_TLS_CERT_FILE');
  const key = str('MCP_TLS_KEY_FILE');
  return {
    host: str('MCP_HOST')!,
    port: num('MCP_PORT'),
    tls: cert && key ? { certFile: cert, keyFile: key } : undefined,
    auth: {
      mode: mode!,
      allowUnauthenticated: v.MCP_ALLOW_UNAUTHENTICATED as boolean,
      bearerTokensFile: str('MCP_BEARER_TOKENS_FILE'),
      oauth: {
        issuer: str('MCP_OAUTH_ISSUER'),
        jwksUrl: str('MCP_OAUTH_JWKS_URL'),
        requiredScopes: v.MCP_OAUTH_REQUIRED_SCOPES as string[],
        algorithms: v.MCP_OAUTH_ALGORITHMS as string[],
        clockToleranceSeconds: num('MCP_OAUTH_CLOCK_TOLERANCE_SECONDS'),
      },
      resourceUrl: str('MCP_RESOURCE_URL'),
    },
    allowedOrigins: v.MCP_ALLOWED_ORIGINS as string[],
    allowedHosts: v.MCP_ALLOWED_HOSTS as string[],
    metricsTokenFile: str('MCP_METRICS_TOKEN_FILE'),
    limits: {
      maxBodyBytes: num('MCP_MAX_BODY_BYTES'),
      rateLimitPerMinute: num('MCP_RATE_LIMIT_PER_MINUTE'),
      maxConcurrentCalls: num('MCP_MAX_CONCURRENT_CALLS'),
      maxJsonDepth: num('MCP_MAX_JSON_DEPTH'),
      callTimeoutMs: num('MCP_CALL_TIMEOUT_MS'),
      backendMaxResponseBytes: num('BACKEND_MAX_RESPONSE_BYTES'),
    },
    redactSecrets: v.MCP_REDACT_SECRETS as boolean,
    kube: {
      timeoutMs: num('KUBE_TIMEOUT_MS'),
      context: str('KUBE_CONTEXT'),
      podCache: v.KUBE_POD_CACHE as boolean,
      podCacheMax: num('KUBE_POD_CACHE_MAX'),
    },
    backends: {
      prometheus: backend('prometheus'),
      alertmanager: backend('alertmanager'),
      loki: backend('loki'),
      ntfy: backend('ntfy'),
    },
    ntfyDefaultTopic: str('NTFY_DEFAULT_TOPIC'),
    logLevel: str('LOG_LEVEL')!,
  };
}

/** The `--help` text: every setting with its flag, env var and default. */
export function helpText(): string {
  const lines = [
    'Usage: cluster-mcp [--flag value ...]',
    '',
    'Every flag is also an environment variable.',
    '',
  ];
  for (const s of SETTINGS as readonly Setting[]) {
    const def = s.default !== undefined && s.default !== '' ? ` (default: ${s.default})` : '';
    lines.push(`  ${flagName(s.env)} / ${s.env}${def}`, `      ${s.help}`);
  }
  return lines.join('\n');
}
