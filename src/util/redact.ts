/**
 * Masks secret-looking substrings in free text (log lines, notification bodies, upstream error excerpts) before
 * they reach a model or a log. Pattern-based and deliberately eager: a masked false positive costs little, a
 * leaked credential costs a rotation.
 */

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';

/** Key names whose value is a secret (`password=…`, `"client_secret": "…"`, `X-Api-Key: …`). */
const SECRET_KEY =
  '(?:[A-Za-z0-9_.-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth[_-]?key|session[_-]?id|cookie))';

/** Replacers applied in order; each keeps the context (key, scheme) and masks only the value. */
const RULES: readonly [RegExp, string | ((...m: string[]) => string)][] = [
  // PEM private keys, whole block; a block cut short (one log line) is masked to its end.
  [
    /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g,
    `-----BEGIN $1PRIVATE KEY-----${REDACTED}`,
  ],
  // Authorization schemes: `Bearer <token>`, `Basic <base64>`, `token <x>` after an authorization key.
  [/\b(Bearer|Basic)(\s+)[A-Za-z0-9\-._~+/]+=*/gi, `$1$2${REDACTED}`],
  // JSON-style or quoted values: "password": "…", 'token': '…', password="…".
  [
    new RegExp(`(${SECRET_KEY}["']?\\s*[:=]\\s*)(["'])(?:\\\\.|(?!\\2).)*\\2`, 'gi'),
    (_m, head, q) => `${head}${q}${REDACTED}${q}`,
  ],
  // Bare values: password=hunter2, token: abc, --secret xyz stops at whitespace, &, ;, comma or quote.
  [new RegExp(`(${SECRET_KEY}\\s*[:=]\\s*)(?!\\[REDACTED\\])(?!["'])[^\\s&;,"'<>]+`, 'gi'), `$1${REDACTED}`],
  // Credentials in URLs: scheme://user:pass@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${REDACTED}@`],
  // JWTs (three base64url parts, the first two JSON objects).
  [/\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // AWS access key ids.
  [/\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, REDACTED],
  // Well-known token prefixes: GitHub, GitLab, Slack.
  [/\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}|glpat-[A-Za-z0-9_-]{20,})\b/g, REDACTED],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, REDACTED],
];

/**
 * Masks bearer/basic credentials, `password=`/`passwd`/`secret=`/`token=` style values (bare, quoted or JSON),
 * PEM private keys, URL credentials, JWTs, AWS access key ids and common vendor tokens.
 */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [re, replacement] of RULES) {
    out = out.replace(re, replacement as string);
  }
  return out;
}
