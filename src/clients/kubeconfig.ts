/**
 * Kubernetes credentials without loading `@kubernetes/client-node` at start: importing it costs about 60 MB of
 * resident memory (its generated models), more than the rest of the server together. This reads the in-cluster
 * service account or a kubeconfig (KUBECONFIG with several files merged the way kubectl does, or
 * ~/.kube/config) and covers what clusters use: tokens and token files, client certificates, basic auth,
 * exec credential plugins, CA and TLS server name. Kubeconfigs that use a legacy `auth-provider` (oidc, gcp,
 * azure) are handed to client-node's KubeConfig, imported only then.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** TLS material and headers for one round of requests. */
export interface KubeCredentials {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
  headers: Record<string, string>;
}

/** Where the API server is and how to authenticate to it. */
export interface KubeAccess {
  server: string;
  contextName: string;
  inCluster: boolean;
  /** Current credentials; token files and exec plugins are re-read here, so call it again to rotate. */
  credentials(): Promise<KubeCredentials>;
}

interface NamedCluster {
  name: string;
  cluster: Record<string, unknown>;
}
interface NamedUser {
  name: string;
  user: Record<string, unknown>;
}
interface NamedContext {
  name: string;
  context: { cluster?: string; user?: string };
}
interface KubeconfigFile {
  clusters?: NamedCluster[];
  users?: NamedUser[];
  contexts?: NamedContext[];
  'current-context'?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads `<field>-data` (base64) or `<field>` (a path relative to the kubeconfig's folder). */
function material(obj: Record<string, unknown>, field: string, base: string): Buffer | undefined {
  const data = str(obj[`${field}-data`]);
  if (data) return Buffer.from(data, 'base64');
  const file = str(obj[field]);
  if (file) return readFileSync(isAbsolute(file) ? file : join(base, file));
  return undefined;
}

/** The in-cluster service account, when this process runs in a pod. */
function inClusterAccess(env: NodeJS.ProcessEnv): KubeAccess {
  const host = env.KUBERNETES_SERVICE_HOST!;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  const ca = readFileSync(join(SA_DIR, 'ca.crt'));
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    contextName: 'in-cluster',
    inCluster: true,
    // The projected token rotates; read it every time credentials are refreshed.
    credentials: async () => ({
      ca,
      headers: { authorization: `Bearer ${readFileSync(join(SA_DIR, 'token'), 'utf8').trim()}` },
    }),
  };
}

/** Runs an exec credential plugin (client.authentication.k8s.io) and caches its answer until it expires. */
function execPlugin(exec: Record<string, unknown>, base: string, env: NodeJS.ProcessEnv) {
  let cached:
    | { at: number; until: number; value: { token?: string; cert?: Buffer; key?: string } }
    | undefined;
  const apiVersion = str(exec.apiVersion) ?? 'client.authentication.k8s.io/v1';
  return async () => {
    if (cached && Date.now() < cached.until) return cached.value;
    let command = str(exec.command);
    if (!command) throw new Error('exec plugin without a command');
    if (command.includes('/') && !isAbsolute(command)) command = join(base, command);
    const childEnv: NodeJS.ProcessEnv = {
      ...env,
      KUBERNETES_EXEC_INFO: JSON.stringify({
        apiVersion,
        kind: 'ExecCredential',
        spec: { interactive: false },
      }),
    };
    for (const e of (exec.env as { name: string; value: string }[] | undefined) ?? [])
      childEnv[e.name] = e.value;
    const args = (exec.args as string[] | undefined) ?? [];
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(command, args, { env: childEnv, timeout: 30_000, maxBuffer: 1 << 20 }, (err, out) =>
        err ? reject(new Error(`exec plugin ${command} failed: ${err.message}`)) : resolve(out),
      ),
    );
    const status = (JSON.parse(stdout) as { status?: Record<string, string> }).status ?? {};
    const value = {
      token: str(status.token),
      cert: status.clientCertificateData ? Buffer.from(status.clientCertificateData) : undefined,
      key: str(status.clientKeyData),
    };
    const expires = status.expirationTimestamp ? Date.parse(status.expirationTimestamp) : Number.NaN;
    // Renew a minute before expiry; a credential without expiry is kept for ten minutes.
    cached = {
      at: Date.now(),
      until: Number.isNaN(expires) ? Date.now() + 600_000 : expires - 60_000,
      value,
    };
    return value;
  };
}

/** Merges kubeconfig files the way kubectl does: for every name, the first file that defines it wins. */
function mergeFiles(paths: string[]): { config: KubeconfigFile; baseOf: Map<object, string> } {
  const config: Required<Pick<KubeconfigFile, 'clusters' | 'users' | 'contexts'>> & KubeconfigFile = {
    clusters: [],
    users: [],
    contexts: [],
  };
  const baseOf = new Map<object, string>();
  for (const path of paths) {
    const file = (parseYaml(readFileSync(path, 'utf8')) ?? {}) as KubeconfigFile;
    const base = dirname(path);
    for (const key of ['clusters', 'users', 'contexts'] as const) {
      for (const entry of (file[key] ?? []) as { name: string }[]) {
        if ((config[key] as { name: string }[]).some((e) => e.name === entry.name)) continue;
        (config[key] as object[]).push(entry);
        baseOf.set(entry, base);
      }
    }
    config['current-context'] ??= file['current-context'];
  }
  return { config, baseOf };
}

/**
 * Loads access to the API server: the in-cluster service account when running in a pod (and KUBECONFIG is not
 * set), else the kubeconfig context `context` or the current one.
 * @throws Error with a plain sentence when nothing usable is found.
 */
export function loadKubeAccess(env: NodeJS.ProcessEnv = process.env, context?: string): KubeAccess {
  if (env.KUBERNETES_SERVICE_HOST && !env.KUBECONFIG && existsSync(join(SA_DIR, 'token'))) {
    return inClusterAccess(env);
  }
  const paths = (
    env.KUBECONFIG ? env.KUBECONFIG.split(delimiter) : [join(env.HOME ?? homedir(), '.kube', 'config')]
  ).filter(Boolean);
  if (!paths.some((p) => existsSync(p))) {
    if (env.KUBECONFIG) throw new Error(`no kubeconfig at ${paths.join(', ')}`);
    // Like kubectl without a config: the server still starts (other tools work) and says why Kubernetes fails.
    return {
      server: 'https://localhost:6443',
      contextName: 'none',
      inCluster: false,
      credentials: async () => {
        throw new Error(
          `no kubeconfig (KUBECONFIG is unset and ${paths[0]} does not exist) and not running in a pod`,
        );
      },
    };
  }
  const { config, baseOf } = mergeFiles(paths.filter((p) => existsSync(p)));
  const contextName = context ?? config['current-context'];
  if (!contextName) throw new Error('the kubeconfig names no current-context (set KUBE_CONTEXT)');
  const ctx = config.contexts?.find((c) => c.name === contextName);
  if (!ctx) throw new Error(`no context '${contextName}' in the kubeconfig`);
  const named = config.clusters?.find((c) => c.name === ctx.context.cluster);
  if (!named)
    throw new Error(`context '${contextName}' names cluster '${ctx.context.cluster}', which is not defined`);
  const cluster = named.cluster;
  const server = str(cluster.server)?.replace(/\/+$/, '');
  if (!server) throw new Error(`cluster '${named.name}' has no server`);
  const namedUser = config.users?.find((u) => u.name === ctx.context.user);
  const user = namedUser?.user ?? {};
  const clusterBase = baseOf.get(named) ?? '.';
  const userBase = (namedUser && baseOf.get(namedUser)) ?? '.';

  if (user['auth-provider']) return clientNodeAccess(paths, contextName, server);

  const ca = material(cluster, 'certificate-authority', clusterBase);
  const cert = material(user, 'client-certificate', userBase);
  const key = material(user, 'client-key', userBase);
  const tokenFile = str(user.tokenFile);
  const exec = user.exec ? execPlugin(user.exec as Record<string, unknown>, userBase, env) : undefined;
  const tls = {
    ca,
    rejectUnauthorized: cluster['insecure-skip-tls-verify'] === true ? false : undefined,
    servername: str(cluster['tls-server-name']),
  };
  return {
    server,
    contextName,
    inCluster: false,
    credentials: async () => {
      const headers: Record<string, string> = {};
      let token = str(user.token);
      if (tokenFile)
        token = readFileSync(isAbsolute(tokenFile) ? tokenFile : join(userBase, tokenFile), 'utf8').trim();
      let execCert: Buffer | undefined;
      let execKey: string | undefined;
      if (exec) {
        const got = await exec();
        token = got.token ?? token;
        execCert = got.cert;
        execKey = got.key;
      }
      if (token) headers.authorization = `Bearer ${token}`;
      else if (str(user.username)) {
        headers.authorization = `Basic ${Buffer.from(`${user.username}:${str(user.password) ?? ''}`).toString('base64')}`;
      }
      return { ...tls, cert: execCert ?? cert, key: execKey ?? key, headers };
    },
  };
}

/** Legacy `auth-provider` users: client-node knows them; it is imported only for such a kubeconfig. */
function clientNodeAccess(paths: string[], contextName: string, server: string): KubeAccess {
  return {
    server,
    contextName,
    inCluster: false,
    credentials: async () => {
      const { KubeConfig } = await import('@kubernetes/client-node');
      const kc = new KubeConfig();
      kc.loadFromFile(paths[0]!);
      kc.setCurrentContext(contextName);
      const opts: {
        headers: Record<string, string>;
        ca?: Buffer;
        cert?: Buffer;
        key?: Buffer;
        rejectUnauthorized?: boolean;
        servername?: string;
      } = { headers: {} };
      await kc.applyToHTTPSOptions(opts as never);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(opts.headers))
        if (typeof v === 'string') headers[k.toLowerCase()] = v;
      return {
        ca: opts.ca,
        cert: opts.cert,
        key: opts.key,
        rejectUnauthorized: opts.rejectUnauthorized,
        servername: opts.servername,
        headers,
      };
    },
  };
}
