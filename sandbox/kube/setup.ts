/**
 * Prepares a freshly started apiserver, as the admin: CRDs (honouring the switches in .sandbox/data/kube),
 * the `cluster-mcp` namespace, ServiceAccount, read-only ClusterRole and binding, then mints the ServiceAccount's
 * token with the TokenRequest API and writes SA_KUBECONFIG.
 *
 *   node sandbox/kube/setup.ts               everything (idempotent)
 *   node sandbox/kube/setup.ts --token-only  re-mint the token when it expires within a day
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { SANDBOX_NAMESPACE, SANDBOX_SERVICE_ACCOUNT } from '../seed/fixtures.ts';
import { KubeClient, waitFor } from './client.ts';
import { applyCrds, crds, readSwitches } from './crds.ts';
import { ADMIN_KUBECONFIG, KUBE_STATE, SA_KUBECONFIG } from './paths.ts';
import { CLUSTER_ROLE, READ_ONLY_RULES } from './rbac.ts';

/** Token lifetime; re-minted by every `sandbox:up` that finds it expiring within a day. */
export const TOKEN_SECONDS = 30 * 24 * 3600;
const TOKEN_INFO = join(KUBE_STATE, 'sa-token.json');

async function rbac(kube: KubeClient): Promise<void> {
  await kube.apply(`/api/v1/namespaces/${SANDBOX_NAMESPACE}`, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: SANDBOX_NAMESPACE, labels: { 'app.kubernetes.io/name': 'cluster-mcp' } },
  });
  await kube.apply(`/api/v1/namespaces/${SANDBOX_NAMESPACE}/serviceaccounts/${SANDBOX_SERVICE_ACCOUNT}`, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: SANDBOX_SERVICE_ACCOUNT,
      namespace: SANDBOX_NAMESPACE,
      labels: { 'app.kubernetes.io/name': 'cluster-mcp' },
    },
  });
  await kube.apply(`/apis/rbac.authorization.k8s.io/v1/clusterroles/${CLUSTER_ROLE}`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: CLUSTER_ROLE, labels: { 'app.kubernetes.io/name': 'cluster-mcp' } },
    rules: READ_ONLY_RULES,
  });
  await kube.apply(`/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${CLUSTER_ROLE}`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: CLUSTER_ROLE, labels: { 'app.kubernetes.io/name': 'cluster-mcp' } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: CLUSTER_ROLE },
    subjects: [{ kind: 'ServiceAccount', name: SANDBOX_SERVICE_ACCOUNT, namespace: SANDBOX_NAMESPACE }],
  });
}

interface TokenRequestStatus {
  status: { token: string; expirationTimestamp: string };
}

/** Mints a token through TokenRequest and writes SA_KUBECONFIG (atomically). */
async function mintToken(kube: KubeClient): Promise<string> {
  const res = await kube.call<TokenRequestStatus>(
    'POST',
    `/api/v1/namespaces/${SANDBOX_NAMESPACE}/serviceaccounts/${SANDBOX_SERVICE_ACCOUNT}/token`,
    {
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { expirationSeconds: TOKEN_SECONDS },
      },
    },
  );
  const ca = kube.target.ca?.toString('base64') ?? '';
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'cluster-mcp-sandbox',
        cluster: { server: kube.target.server, 'certificate-authority-data': ca },
      },
    ],
    users: [{ name: `${SANDBOX_NAMESPACE}:${SANDBOX_SERVICE_ACCOUNT}`, user: { token: res.status.token } }],
    contexts: [
      {
        name: 'cluster-mcp-sandbox-sa',
        context: {
          cluster: 'cluster-mcp-sandbox',
          user: `${SANDBOX_NAMESPACE}:${SANDBOX_SERVICE_ACCOUNT}`,
          namespace: SANDBOX_NAMESPACE,
        },
      },
    ],
    'current-context': 'cluster-mcp-sandbox-sa',
  };
  writeFileSync(`${SA_KUBECONFIG}.tmp`, stringify(kubeconfig), { mode: 0o600 });
  renameSync(`${SA_KUBECONFIG}.tmp`, SA_KUBECONFIG);
  writeFileSync(TOKEN_INFO, `${JSON.stringify({ expirationTimestamp: res.status.expirationTimestamp })}\n`);
  return res.status.expirationTimestamp;
}

function tokenExpiresSoon(): boolean {
  if (!existsSync(SA_KUBECONFIG) || !existsSync(TOKEN_INFO)) return true;
  const { expirationTimestamp } = JSON.parse(readFileSync(TOKEN_INFO, 'utf8')) as {
    expirationTimestamp: string;
  };
  return Date.parse(expirationTimestamp) - Date.now() < 24 * 3600 * 1000;
}

async function main(argv: string[]): Promise<void> {
  const kube = new KubeClient(ADMIN_KUBECONFIG);
  try {
    if (argv.includes('--token-only')) {
      if (tokenExpiresSoon())
        console.log(`re-minted the ServiceAccount token, valid until ${await mintToken(kube)}`);
      return;
    }
    const t0 = Date.now();
    const lap = (what: string): void => console.log(`  ${what}: ${Date.now() - t0} ms`);
    // The apiserver creates these right after it turns ready; namespaced objects need them.
    await waitFor('system namespaces', async () => {
      for (const ns of ['default', 'kube-system'])
        if ((await kube.tryGet(`/api/v1/namespaces/${ns}`)) === undefined) return false;
      return true;
    });
    // The built-in PriorityClasses that seeded pods use.
    await waitFor(
      'system priority classes',
      async () =>
        (await kube.tryGet('/apis/scheduling.k8s.io/v1/priorityclasses/system-node-critical')) !== undefined,
    );
    lap('system namespaces');
    const s = readSwitches();
    await applyCrds(kube, [
      ...crds('flux'),
      ...crds('image', s.imageApi),
      ...(s.certManager ? crds('cert-manager') : []),
      ...(s.metrics ? crds('metrics') : []),
    ]);
    lap(`CRDs (image API ${s.imageApi}, cert-manager ${s.certManager}, metrics ${s.metrics})`);
    await rbac(kube);
    lap('namespace, ServiceAccount, ClusterRole and binding');
    const exp = await mintToken(kube);
    lap(`ServiceAccount token (valid until ${exp}) in ${SA_KUBECONFIG}`);
  } finally {
    kube.close();
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
