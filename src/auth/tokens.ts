/**
 * Static bearer tokens: named tokens from a file (`name:token` per line) or a Secret volume (one file per
 * name), compared in constant time, re-read when the source changes so rotation needs no restart. The name,
 * never the token, is what logs and the audit line show.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { basename } from 'node:path';
import {
  type AuthInfo,
  OAuthError,
  OAuthErrorCode,
  type OAuthTokenVerifier,
} from '@modelcontextprotocol/server';
import type { Logger } from '../log.ts';
import { type SecretEntries, SecretSource } from './secret-source.ts';

/** Shortest token accepted: anything shorter is guessable, so the file is refused. */
export const MIN_TOKEN_LENGTH = 16;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const TOKEN = /^[\x21-\x7e]+$/;

/** A token as kept in memory: its name and the SHA-256 of its value (fixed length, for timingSafeEqual). */
interface StoredToken {
  name: string;
  digest: Buffer;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** A short, non-reversible label of a token for AuthInfo, so the token itself never travels further. */
export function tokenFingerprint(token: string): string {
  return `sha256:${sha256(token).toString('hex').slice(0, 12)}`;
}

/** Compares two secrets in constant time (independent of where they differ and of their lengths). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}

/**
 * Parses token entries. A file holds `name:token` lines (blank lines and `#` comments ignored); a Secret
 * directory holds one file per name whose content is the token.
 * @returns the tokens and every problem found (never the token values).
 */
export function parseTokens(
  entries: SecretEntries,
  fromDirectory: boolean,
): { tokens: { name: string; token: string }[]; problems: string[] } {
  const tokens: { name: string; token: string }[] = [];
  const problems: string[] = [];
  const add = (name: string, token: string, where: string) => {
    if (!NAME.test(name)) problems.push(`${where}: name must match ${NAME.source}`);
    else if (!TOKEN.test(token))
      problems.push(`${where} (${name}): token must be printable ASCII without spaces`);
    else if (token.length < MIN_TOKEN_LENGTH)
      problems.push(`${where} (${name}): token shorter than ${MIN_TOKEN_LENGTH} characters`);
    else tokens.push({ name, token });
  };
  for (const [file, content] of entries) {
    if (fromDirectory) {
      add(file, content.trim(), file);
      continue;
    }
    content.split(/\r?\n/).forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const where = `${basename(file)} line ${i + 1}`;
      const colon = line.indexOf(':');
      if (colon <= 0) problems.push(`${where}: expected "name:token"`);
      else add(line.slice(0, colon).trim(), line.slice(colon + 1).trim(), where);
    });
  }
  const names = new Set<string>();
  const values = new Set<string>();
  for (const t of tokens) {
    if (names.has(t.name)) problems.push(`token name ${t.name} appears twice`);
    if (values.has(t.token)) problems.push(`token ${t.name} has the same value as another token`);
    names.add(t.name);
    values.add(t.token);
  }
  if (tokens.length === 0 && problems.length === 0) problems.push('no tokens');
  return { tokens, problems };
}

/**
 * The bearer-mode verifier. Loads at construction (throws with every problem when the source is unusable);
 * afterwards a change that does not parse is logged and the previous tokens stay in force.
 */
export class BearerTokenVerifier implements OAuthTokenVerifier {
  private readonly source: SecretSource;
  private readonly log: Logger;
  private tokens: StoredToken[] = [];
  private lastProblem = '';

  constructor(path: string, log: Logger) {
    this.source = new SecretSource(path);
    this.log = log;
    const problems = this.reload();
    if (problems.length > 0) throw new Error(`${path}: ${problems.join('; ')}`);
    log.info({ tokens: this.names() }, 'static tokens loaded');
  }

  /** Names of the tokens in force (for logs and tests). */
  names(): string[] {
    return this.tokens.map((t) => t.name);
  }

  /** Re-reads the source when it changed; returns the problems of the new content (empty when applied). */
  private reload(): string[] {
    let read: ReturnType<SecretSource['read']>;
    try {
      read = this.source.read();
    } catch (err) {
      return [`cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`];
    }
    if (!read.changed) return [];
    const { tokens, problems } = parseTokens(read.entries, read.directory);
    if (problems.length > 0) return problems;
    this.tokens = tokens.map((t) => ({ name: t.name, digest: sha256(t.token) }));
    return [];
  }

  private refresh(): void {
    const before = this.tokens;
    const problems = this.reload();
    const summary = problems.join('; ');
    if (problems.length > 0 && summary !== this.lastProblem) {
      this.log.error(
        { file: this.source.path, problems },
        'static token file unusable; the previous tokens stay in force',
      );
    } else if (this.tokens !== before) {
      this.log.info({ tokens: this.names() }, 'static tokens reloaded');
    }
    this.lastProblem = summary;
  }

  /** Finds the token's name, comparing against every stored token so the time taken does not depend on which. */
  async verifyAccessToken(token: string): Promise<AuthInfo> {
    this.refresh();
    const digest = sha256(token);
    let name: string | undefined;
    for (const t of this.tokens) {
      if (timingSafeEqual(digest, t.digest) && name === undefined) name = t.name;
    }
    if (name === undefined) throw new OAuthError(OAuthErrorCode.InvalidToken, 'Unknown bearer token');
    return {
      token: tokenFingerprint(token),
      clientId: name,
      scopes: [],
      // Static tokens do not expire, but the SDK's bearer gate requires an expiry: a moment from now.
      expiresAt: Math.floor(Date.now() / 1000) + 60,
      extra: { caller: name },
    };
  }
}

/** `/metrics` authorization: the whole content of the file is the token; re-read when it changes. */
export function metricsAuthorizer(path: string): (header: string | undefined) => boolean {
  const source = new SecretSource(path);
  const current = (): string => (source.read().entries.values().next().value ?? '').trim();
  if (current().length < MIN_TOKEN_LENGTH)
    throw new Error(`${path}: metrics token shorter than ${MIN_TOKEN_LENGTH} characters`);
  return (header) => {
    const m = /^Bearer +(\S+)$/i.exec(header ?? '');
    if (!m) return false;
    let expected: string;
    try {
      expected = current();
    } catch {
      return false;
    }
    return expected.length >= MIN_TOKEN_LENGTH && safeEqual(m[1]!, expected);
  };
}
