import { createRequire } from 'node:module';
import { type DestinationStream, type Logger, pino } from 'pino';
import { redactSecrets } from './util/redact.ts';

export type { Logger };

/** Paths pino must never print: credentials in requests and anything the server reads from files. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-scope-orgid"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'token',
  'password',
  'auth.token',
  'authInfo.token',
];

/** Applies `redactSecrets` to every string inside a parsed log line. */
function redactDeep(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (Array.isArray(value)) return value.map(redactDeep);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)]));
  }
  return value;
}

/**
 * Masks secret-looking strings in a serialised log line (messages, upstream excerpts, error stacks). A line
 * without escapes reads the same as its strings, so when the masking finds nothing in it, it passes untouched;
 * any other line is parsed and masked string by string, so the masking sees unescaped text and can never
 * break the JSON.
 */
export function redactLogLine(line: string): string {
  if (!line.includes('\\') && redactSecrets(line) === line) return line;
  try {
    return `${JSON.stringify(redactDeep(JSON.parse(line)))}\n`;
  } catch {
    return `${JSON.stringify({ level: 50, msg: 'log line withheld: it looked like it held a secret and was not JSON' })}\n`;
  }
}

/** Logger settings beyond the level. */
export interface LoggerOptions {
  /** Mask secret-looking strings in every line (MCP_REDACT_SECRETS); default true. */
  redactSecrets?: boolean;
  /** Where lines go; stdout by default (tests pass a stream to read the audit lines). */
  destination?: DestinationStream;
}

/**
 * A pino-pretty stream when stdout is a terminal and pino-pretty is installed (a development checkout), else
 * undefined: production images, pipes and files get JSON lines.
 */
function prettyDestination(): DestinationStream | undefined {
  if (!process.stdout.isTTY || process.env.LOG_FORMAT === 'json') return undefined;
  try {
    const pretty = createRequire(import.meta.url)('pino-pretty') as (o: object) => DestinationStream;
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  } catch {
    return undefined;
  }
}

/** JSON lines in production; pretty output only when stdout is a terminal and pino-pretty is installed. */
export function createLogger(level: string, opts: LoggerOptions = {}): Logger {
  return pino(
    {
      level,
      base: { service: 'cluster-mcp' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...(opts.redactSecrets === false ? {} : { hooks: { streamWrite: redactLogLine } }),
    },
    opts.destination ?? prettyDestination(),
  );
}
