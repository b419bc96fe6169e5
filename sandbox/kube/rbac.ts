/**
 * The read-only ClusterRole bound to the sandbox's ServiceAccount (SA_KUBECONFIG): get/list/watch on exactly what
 * the tools read, never Secrets, never a subresource, never a write verb. The same rules as the Helm chart's
 * ClusterRole (charts/cluster-mcp/templates/clusterrole.yaml); sandbox/helm/apply-rbac.sh can replace these with
 * the chart's rendered ones.
 */
export const READ_VERBS = ['get', 'list', 'watch'];

export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

export const READ_ONLY_RULES: PolicyRule[] = [
  { apiGroups: [''], resources: ['nodes', 'namespaces', 'pods', 'events'], verbs: READ_VERBS },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: READ_VERBS },
  {
    apiGroups: ['apps'],
    resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
    verbs: READ_VERBS,
  },
  { apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: READ_VERBS },
  { apiGroups: ['helm.toolkit.fluxcd.io'], resources: ['helmreleases'], verbs: READ_VERBS },
  {
    apiGroups: ['source.toolkit.fluxcd.io'],
    resources: ['gitrepositories', 'helmrepositories', 'ocirepositories'],
    verbs: READ_VERBS,
  },
  {
    apiGroups: ['image.toolkit.fluxcd.io'],
    resources: ['imagerepositories', 'imagepolicies', 'imageupdateautomations'],
    verbs: READ_VERBS,
  },
  { apiGroups: ['cert-manager.io'], resources: ['certificates'], verbs: READ_VERBS },
  { apiGroups: ['metrics.k8s.io'], resources: ['nodes', 'pods'], verbs: READ_VERBS },
];

export const CLUSTER_ROLE = 'cluster-mcp';
