/**
 * Binds the sandbox's ServiceAccount cluster-mcp/cluster-mcp with the CHART's read-only ClusterRole: renders
 * templates/clusterrole.yaml and templates/clusterrolebinding.yaml (release cluster-mcp, namespace cluster-mcp)
 * and server-side-applies them with the admin kubeconfig. Idempotent. Run through sandbox/helm/apply-rbac.sh.
 */
import { KubeClient } from '../kube/client.ts';
import { CHART_DIR, helm, type Manifest, NAMESPACE, parseManifests, RELEASE } from './helm.ts';

/** The chart's ClusterRole and ClusterRoleBinding as the sandbox gets them. */
export function renderRbac(): Manifest[] {
  return parseManifests(
    helm([
      'template',
      RELEASE,
      CHART_DIR,
      '--namespace',
      NAMESPACE,
      '--show-only',
      'templates/clusterrole.yaml',
      '--show-only',
      'templates/clusterrolebinding.yaml',
    ]),
  );
}

const PLURAL: Record<string, string> = {
  ClusterRole: 'clusterroles',
  ClusterRoleBinding: 'clusterrolebindings',
};

/** Applies the rendered RBAC with `kubeconfig` (an admin); answers what it applied. */
export async function applyRbac(kubeconfig: string): Promise<string[]> {
  const kube = new KubeClient(kubeconfig);
  try {
    const applied: string[] = [];
    for (const m of renderRbac()) {
      const plural = PLURAL[m.kind];
      if (!plural) throw new Error(`unexpected ${m.kind} in the chart's RBAC templates`);
      await kube.apply(
        `/apis/rbac.authorization.k8s.io/v1/${plural}/${m.metadata.name}`,
        m,
        'cluster-mcp-chart',
      );
      applied.push(`${m.kind.toLowerCase()}.rbac.authorization.k8s.io/${m.metadata.name}`);
    }
    return applied;
  } finally {
    kube.close();
  }
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  if (args.includes('--print')) {
    process.stdout.write(
      renderRbac()
        .map((m) => `---\n${JSON.stringify(m, null, 2)}\n`)
        .join(''),
    );
  } else {
    const kubeconfig = args[0];
    if (!kubeconfig) throw new Error('usage: apply-rbac.ts ADMIN_KUBECONFIG | --print');
    for (const name of await applyRbac(kubeconfig)) process.stdout.write(`${name} serverside-applied\n`);
  }
}
