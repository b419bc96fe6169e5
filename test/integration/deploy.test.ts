/**
 * Deployment artefacts against reality: the chart lints and renders (helm built from its Go module), every
 * rendered manifest and everything in k8s/ passes a server-side dry-run on the sandbox's kube-apiserver, the
 * chart's ClusterRole is what binds SA_KUBECONFIG and grants nothing beyond its enumerated reads, every tool
 * works under that identity, and the README's deploy sections match the files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderRbac } from '../../sandbox/helm/apply-rbac.ts';
import { generatedFiles, staleFiles } from '../../sandbox/helm/generate.ts';
import {
  CHART_DIR,
  helm,
  helmBinary,
  type Manifest,
  parseManifests,
  ROOT,
  renderChart,
} from '../../sandbox/helm/helm.ts';
import { KubeClient } from '../../sandbox/kube/client.ts';
import { LOG_STREAMS, LOKI_DEFAULT_TENANT, NTFY_TOPICS } from '../../sandbox/obs/fixtures.ts';
import { SETTINGS } from '../../src/config.ts';
import { createMetrics } from '../../src/metrics.ts';
import { sandboxEnv } from '../support/env.ts';
import { startServer, type TestServer, type ToolResult } from '../support/server.ts';

const ALL_FEATURES = join(CHART_DIR, 'ci', 'all-features-values.yaml');
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

/** The acceptance list: exactly these resources, exactly get/list/watch, nothing else. */
const EXPECTED_RULES: Record<string, string[]> = {
  '': ['events', 'namespaces', 'nodes', 'pods'],
  'events.k8s.io': ['events'],
  apps: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'],
  'kustomize.toolkit.fluxcd.io': ['kustomizations'],
  'helm.toolkit.fluxcd.io': ['helmreleases'],
  'source.toolkit.fluxcd.io': ['gitrepositories', 'helmrepositories', 'ocirepositories'],
  'image.toolkit.fluxcd.io': ['imagepolicies', 'imagerepositories', 'imageupdateautomations'],
  'cert-manager.io': ['certificates'],
  'metrics.k8s.io': ['nodes', 'pods'],
};
const READ_VERBS = ['get', 'list', 'watch'];

/** Server settings the chart deliberately does not set, and why. */
const CHART_UNMAPPED: Record<string, string> = {
  KUBE_CONTEXT: 'in the pod the server uses its ServiceAccount, not a kubeconfig',
  PROMETHEUS_TOKEN: 'credentials are mounted files (PROMETHEUS_TOKEN_FILE), never env values',
  ALERTMANAGER_TOKEN: 'credentials are mounted files',
  LOKI_TOKEN: 'credentials are mounted files',
  NTFY_TOKEN: 'credentials are mounted files',
};

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** group → sorted resources, failing on anything that is not a plain get/list/watch rule. */
function rulesByGroup(rules: Rule[]): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const r of rules) {
    expect([...r.verbs].sort(), JSON.stringify(r)).toEqual(READ_VERBS);
    expect(r.resourceNames ?? [], JSON.stringify(r)).toEqual([]);
    expect(r.nonResourceURLs ?? [], JSON.stringify(r)).toEqual([]);
    for (const g of r.apiGroups ?? []) {
      const set = out[g] ?? new Set<string>();
      for (const res of r.resources ?? []) set.add(res);
      out[g] = set;
    }
  }
  return Object.fromEntries(Object.entries(out).map(([g, s]) => [g, [...s].sort()]));
}

function kindOf(manifests: Manifest[], kind: string): Manifest {
  const m = manifests.find((x) => x.kind === kind);
  if (!m) throw new Error(`no ${kind} rendered`);
  return m;
}

interface SchemaNode {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
}

/**
 * Keys declared on one side only: in values.yaml but not the schema ("+key"), or the reverse ("-key"). Maps the
 * schema leaves free-form (resources, annotations…) are not descended into.
 */
function keyMismatches(values: unknown, schema: SchemaNode, prefix = ''): string[] {
  if (!schema.properties) return [];
  const v = (values ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  for (const k of Object.keys(v)) if (!(k in schema.properties)) out.push(`+${prefix}${k}`);
  for (const [k, child] of Object.entries(schema.properties)) {
    if (!(k in v)) {
      if (!(prefix === '' && k === 'global')) out.push(`-${prefix}${k}`);
      continue;
    }
    out.push(...keyMismatches(v[k], child, `${prefix}${k}.`));
  }
  return out;
}

describe('helm chart', () => {
  beforeAll(() => {
    helmBinary(); // builds helm on a cold cache; later calls are instant
  }, 15 * 60_000);

  test('lints with the default values', () => {
    expect(helm(['lint', CHART_DIR, '--strict'])).toContain('0 chart(s) failed');
  });

  test('lints with the all-features values', () => {
    expect(helm(['lint', CHART_DIR, '--strict', '--values', ALL_FEATURES])).toContain('0 chart(s) failed');
  });

  test('renders every optional template with the all-features values', () => {
    const kinds = parseManifests(renderChart(['--values', ALL_FEATURES])).map((m) => m.kind);
    for (const kind of [
      'ServiceAccount',
      'Secret',
      'ClusterRole',
      'ClusterRoleBinding',
      'Service',
      'Deployment',
      'Ingress',
      'ServiceMonitor',
      'PrometheusRule',
      'ConfigMap',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'HorizontalPodAutoscaler',
    ])
      expect(kinds).toContain(kind);
  });

  test.each([
    ['server.auth.mode=open', "at '/server/auth/mode'"],
    ['replicaCount=-1', "at '/replicaCount'"],
    ['backends.prometheus.url=prometheus:9090', "at '/backends/prometheus/url'"],
    ['backends.loki.auth=token', "at '/backends/loki/auth'"],
    ['no.such.key=1', "additional properties 'no' not allowed"],
  ])('values.schema.json refuses --set %s', (set, message) => {
    expect(() => renderChart(['--set', set])).toThrow(message);
  });

  test('values.yaml and values.schema.json declare the same keys', () => {
    const values = parseYaml(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8'));
    const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as SchemaNode;
    expect(keyMismatches(values, schema)).toEqual([]);
  });

  test('renders the ClusterRole cluster-mcp with get/list/watch on exactly the enumerated resources', () => {
    const role = kindOf(parseManifests(renderChart()), 'ClusterRole');
    expect(role.metadata.name).toBe('cluster-mcp');
    expect(rulesByGroup(role.rules as Rule[])).toEqual(EXPECTED_RULES);
  });

  test('runs the pod non-root, read-only, without capabilities, with the RuntimeDefault seccomp profile', () => {
    const spec = (kindOf(parseManifests(renderChart()), 'Deployment').spec as { template: { spec: PodSpec } })
      .template.spec;
    expect(spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(spec.containers[0]?.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(spec.automountServiceAccountToken).toBe(true);
  });

  test('sets only environment variables the server knows, and every setting it should', () => {
    const known = new Set<string>(SETTINGS.map((s) => s.env));
    const basic = ['prometheus', 'loki', 'ntfy'].flatMap((b) => [
      '--set',
      `backends.${b}.auth=basic`,
      '--set',
      `backends.${b}.username=u`,
    ]);
    const variants = [
      [],
      ['--values', ALL_FEATURES],
      [
        '--values',
        ALL_FEATURES,
        '--set',
        'secret.existingSecret=creds',
        '--set',
        'server.auth.mode=none',
        '--set',
        'server.auth.allowUnauthenticated=true',
        '--set',
        'backends.alertmanager.auth=bearer',
        ...basic,
      ],
    ];
    const set = new Set<string>();
    for (const args of variants) {
      const dep = kindOf(parseManifests(renderChart(args)), 'Deployment');
      for (const e of (dep.spec as { template: { spec: PodSpec } }).template.spec.containers[0]?.env ?? [])
        set.add(e.name);
    }
    set.delete('NODE_OPTIONS'); // extraEnv in the all-features values
    expect([...set].filter((n) => !known.has(n))).toEqual([]);
    expect([...known].filter((n) => !set.has(n) && !(n in CHART_UNMAPPED))).toEqual([]);
  });

  test('passes credentials only as files from the Secret, never as values', () => {
    const dep = kindOf(parseManifests(renderChart(['--values', ALL_FEATURES])), 'Deployment');
    const env = (dep.spec as { template: { spec: PodSpec } }).template.spec.containers[0]?.env ?? [];
    const literal = env.filter((e) => /TOKEN$|PASSWORD$|TOKENS$/.test(e.name));
    expect(literal).toEqual([]);
    for (const e of env.filter((x) => /_FILE$/.test(x.name) && !x.name.startsWith('MCP_TLS')))
      expect(e.value).toMatch(/^\/etc\/cluster-mcp\/secrets\//);
  });

  test('generated files are up to date (plain manifests, dashboard copy, dashboard picture)', () => {
    expect(staleFiles(generatedFiles())).toEqual([]);
  });

  test('the dashboard and the alert rules use only metrics the server exports', async () => {
    const exported = new Set<string>(['up']);
    for (const m of (await createMetrics().registry.getMetricsAsJSON()) as unknown as {
      name: string;
      type: string;
    }[]) {
      exported.add(m.name);
      if (m.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(m.name + s);
    }
    const exprs = [
      ...JSON.parse(read('dashboards/cluster-mcp.json')).panels.flatMap(
        (p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr),
      ),
      ...prometheusRuleExprs(),
    ];
    const used = new Set(
      exprs.flatMap((e: string) => [...e.matchAll(/\b([a-z_:][a-z0-9_:]*)\s*\{/g)].map((m) => m[1]!)),
    );
    expect([...used].filter((n) => !exported.has(n))).toEqual([]);
  });
});

interface PodSpec {
  securityContext?: Record<string, unknown>;
  automountServiceAccountToken?: boolean;
  containers: { securityContext?: Record<string, unknown>; env?: { name: string; value?: string }[] }[];
}

function prometheusRuleExprs(): string[] {
  const rule = kindOf(parseManifests(renderChart(['--values', ALL_FEATURES])), 'PrometheusRule');
  return (rule.spec as { groups: { rules: { expr: string }[] }[] }).groups.flatMap((g) =>
    g.rules.map((r) => r.expr),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Against the sandbox's kube-apiserver

const KUBECTL = process.env.KUBECTL || 'kubectl';

function kubectl(args: string[], input?: string): string {
  try {
    return execFileSync(KUBECTL, ['--kubeconfig', sandboxEnv().KUBECONFIG!, ...args], {
      encoding: 'utf8',
      input,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')} failed:\n${e.stderr || e.stdout || e.message}`);
  }
}

/** `kubectl apply --dry-run=server --validate=strict` of a manifest stream; answers the objects it accepted. */
function dryRun(manifests: string): string[] {
  const out = kubectl(['apply', '--dry-run=server', '--validate=strict', '-o', 'name', '-f', '-'], manifests);
  return out.trim().split('\n').filter(Boolean);
}

describe('server-side dry-run on the sandbox API server', () => {
  const STUB_CRDS = 'sandbox/helm/crds/monitoring-stub.yaml';
  let admin: KubeClient;
  let installedStubs: string[] = [];

  beforeAll(async () => {
    helmBinary();
    admin = new KubeClient(sandboxEnv().KUBECONFIG!);
    // The sandbox has Flux and cert-manager CRDs but not the Prometheus Operator's: install our labelled
    // stand-ins for the duration of this block when they are absent.
    for (const crd of parseManifests(read(STUB_CRDS))) {
      const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`;
      if (await admin.tryGet(path)) continue;
      await admin.apply(path, crd, 'cluster-mcp-deploy-test');
      installedStubs.push(path);
    }
    for (const path of installedStubs) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const crd = await admin.get<{ status?: { conditions?: { type: string; status: string }[] } }>(path);
        if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
        if (Date.now() > deadline) throw new Error(`${path} not established within 30 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // Discovery of the new group reaches kubectl's cache only once the apiserver serves it.
    const deadline = Date.now() + 30_000;
    while (!(await admin.tryGet('/apis/monitoring.coreos.com/v1'))) {
      if (Date.now() > deadline) throw new Error('monitoring.coreos.com/v1 not served within 30 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 15 * 60_000);

  afterAll(async () => {
    for (const path of installedStubs) await admin.deleteIfExists(path);
    installedStubs = [];
    admin?.close();
  });

  test('accepts the chart rendered with the default values', () => {
    const accepted = dryRun(renderChart());
    expect(accepted).toContain('clusterrole.rbac.authorization.k8s.io/cluster-mcp');
    expect(accepted).toContain('deployment.apps/cluster-mcp');
  });

  test('accepts the chart rendered with the all-features values', () => {
    const accepted = dryRun(renderChart(['--values', ALL_FEATURES]));
    expect(accepted).toContain('servicemonitor.monitoring.coreos.com/cluster-mcp');
    expect(accepted).toContain('prometheusrule.monitoring.coreos.com/cluster-mcp');
    expect(accepted).toContain('horizontalpodautoscaler.autoscaling/cluster-mcp');
  });

  test('accepts k8s/cluster-mcp (Namespace, OCIRepository, HelmRelease) through its kustomization', () => {
    const accepted = kubectl([
      'apply',
      '--dry-run=server',
      '--validate=strict',
      '-o',
      'name',
      '-k',
      join(ROOT, 'k8s', 'cluster-mcp'),
    ]);
    expect(accepted).toContain('helmrelease.helm.toolkit.fluxcd.io/cluster-mcp');
    expect(accepted).toContain('ocirepository.source.toolkit.fluxcd.io/cluster-mcp');
  });

  test('accepts the Flux Kustomization k8s/flux-kustomization.yaml', () => {
    expect(dryRun(read('k8s/flux-kustomization.yaml'))).toEqual([
      'kustomization.kustomize.toolkit.fluxcd.io/cluster-mcp',
    ]);
  });

  test('accepts the plain manifests k8s/plain/cluster-mcp.yaml', () => {
    expect(dryRun(read('k8s/plain/cluster-mcp.yaml'))).toContain('deployment.apps/cluster-mcp');
  });

  test('accepts the chart rendered with the HelmRelease values of k8s/cluster-mcp/helmrelease.yaml', () => {
    const release = parseYaml(read('k8s/cluster-mcp/helmrelease.yaml')) as { spec: { values: unknown } };
    const dir = mkdtempSync(join(tmpdir(), 'cluster-mcp-values-'));
    try {
      const file = join(dir, 'values.yaml');
      writeFileSync(file, JSON.stringify(release.spec.values));
      expect(dryRun(renderChart(['--values', file]))).toContain('ingress.networking.k8s.io/cluster-mcp');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the pod passes the restricted Pod Security Standard (PodSecurity admission, enforce mode)', () => {
    const label = 'pod-security.kubernetes.io/enforce';
    // Labelled for this test only (the namespace exists in the sandbox; k8s/cluster-mcp/namespace.yaml sets the
    // same label in a real cluster).
    kubectl(['label', 'namespace', 'cluster-mcp', `${label}=restricted`, '--overwrite']);
    try {
      for (const args of [[], ['--values', ALL_FEATURES]]) {
        const dep = kindOf(parseManifests(renderChart(args)), 'Deployment');
        const template = (dep.spec as { template: { metadata: unknown; spec: unknown } }).template;
        const pod = {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { ...(template.metadata as object), name: 'cluster-mcp-psa', namespace: 'cluster-mcp' },
          spec: template.spec,
        };
        expect(dryRun(JSON.stringify(pod))).toEqual(['pod/cluster-mcp-psa']);
      }
    } finally {
      kubectl(['label', 'namespace', 'cluster-mcp', `${label}-`]);
    }
  });

  test('the Flux source points at the chart the release workflow pushes', () => {
    const source = parseYaml(read('k8s/cluster-mcp/ocirepository.yaml')) as { spec: { url: string } };
    const release = parseYaml(read('k8s/cluster-mcp/helmrelease.yaml')) as {
      spec: { chartRef: { kind: string; name: string } };
    };
    const repo = (
      parseYaml(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as { image: { repository: string } }
    ).image.repository;
    const owner = /^ghcr\.io\/([^/]+)\/cluster-mcp$/.exec(repo)?.[1];
    expect(source.spec.url).toBe(`oci://ghcr.io/${owner}/charts/cluster-mcp`);
    expect(release.spec.chartRef).toEqual({ kind: 'OCIRepository', name: 'cluster-mcp' });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell variable in the workflow, not a JS template
    expect(read('.github/workflows/release.yml')).toContain('"oci://ghcr.io/${OWNER}/charts"');
  });
});

describe('helm install on the sandbox', () => {
  // A throwaway release in an existing namespace (the sandbox runs no namespace controller, so a namespace made
  // here could never finish terminating). No pods start: the sandbox has no controller manager or nodes.
  const release = 'deploy-test';
  const ns = 'default';
  const kubeconfig = (): string[] => ['--kubeconfig', sandboxEnv().KUBECONFIG!];
  let notes = '';

  const token = (): string => {
    const out = kubectl([
      '-n',
      ns,
      'get',
      'secret',
      `${release}-cluster-mcp`,
      '-o',
      'jsonpath={.data.bearer-tokens}',
    ]);
    return Buffer.from(out, 'base64').toString('utf8');
  };

  beforeAll(() => {
    helm(['uninstall', release, '--namespace', ns, '--ignore-not-found', ...kubeconfig()]);
    notes = helm(['install', release, CHART_DIR, '--namespace', ns, '--wait=false', ...kubeconfig()]);
  }, 15 * 60_000);

  afterAll(() => {
    helm(['uninstall', release, '--namespace', ns, '--ignore-not-found', ...kubeconfig()]);
  });

  test('NOTES.txt says how to read the generated token and connect with claude mcp add', () => {
    expect(notes).toContain(
      `kubectl -n ${ns} get secret ${release}-cluster-mcp -o jsonpath='{.data.bearer-tokens}'`,
    );
    expect(notes).toContain('claude mcp add --transport http cluster-mcp http://localhost:8080/mcp');
  });

  test('generates a bearer token at install and keeps it across upgrades', () => {
    const before = token();
    expect(before).toMatch(/^default:[A-Za-z0-9]{40}$/);
    helm(['upgrade', release, CHART_DIR, '--namespace', ns, '--set', 'replicaCount=3', ...kubeconfig()]);
    expect(token()).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// RBAC: the chart's ClusterRole binds SA_KUBECONFIG and grants nothing else

interface AccessCheck {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
  namespace?: string;
}

const check = (verb: string, resource: string, group = '', subresource?: string, namespace?: string) => ({
  verb,
  resource,
  group,
  subresource,
  namespace,
});

const FORBIDDEN: AccessCheck[] = [
  ...['get', 'list', 'watch'].flatMap((v) => [
    check(v, 'secrets'),
    check(v, 'secrets', '', undefined, 'cluster-mcp'),
  ]),
  check('get', 'secrets', '', undefined, 'kube-system'),
  check('list', 'configmaps'),
  check('get', 'configmaps', '', undefined, 'kube-system'),
  ...['create', 'update', 'patch', 'delete', 'deletecollection'].flatMap((v) => [
    check(v, 'pods', '', undefined, 'default'),
    check(v, 'namespaces'),
    check(v, 'nodes'),
    check(v, 'secrets', '', undefined, 'default'),
    check(v, 'configmaps', '', undefined, 'default'),
    check(v, 'serviceaccounts', '', undefined, 'cluster-mcp'),
    check(v, 'deployments', 'apps', undefined, 'default'),
    check(v, 'statefulsets', 'apps', undefined, 'default'),
    check(v, 'daemonsets', 'apps', undefined, 'default'),
    check(v, 'kustomizations', 'kustomize.toolkit.fluxcd.io', undefined, 'flux-system'),
    check(v, 'helmreleases', 'helm.toolkit.fluxcd.io', undefined, 'flux-system'),
    check(v, 'gitrepositories', 'source.toolkit.fluxcd.io', undefined, 'flux-system'),
    check(v, 'ocirepositories', 'source.toolkit.fluxcd.io', undefined, 'flux-system'),
    check(v, 'imagepolicies', 'image.toolkit.fluxcd.io', undefined, 'flux-system'),
    check(v, 'certificates', 'cert-manager.io', undefined, 'cert-manager'),
    check(v, 'clusterroles', 'rbac.authorization.k8s.io'),
    check(v, 'clusterrolebindings', 'rbac.authorization.k8s.io'),
    check(v, 'customresourcedefinitions', 'apiextensions.k8s.io'),
  ]),
  check('patch', 'kustomizations', 'kustomize.toolkit.fluxcd.io', 'status', 'flux-system'),
  check('update', 'deployments', 'apps', 'scale', 'default'),
  check('create', 'pods', '', 'exec', 'default'),
  check('get', 'pods', '', 'exec', 'default'),
  check('create', 'pods', '', 'attach', 'default'),
  check('create', 'pods', '', 'portforward', 'default'),
  check('create', 'pods', '', 'eviction', 'default'),
  check('get', 'pods', '', 'log', 'default'),
  check('get', 'nodes', '', 'proxy'),
  check('create', 'nodes', '', 'proxy'),
  check('create', 'serviceaccounts', '', 'token', 'cluster-mcp'),
  check('impersonate', 'users'),
  check('impersonate', 'serviceaccounts'),
  check('escalate', 'clusterroles', 'rbac.authorization.k8s.io'),
  check('bind', 'clusterroles', 'rbac.authorization.k8s.io'),
  check('list', 'helmcharts', 'source.toolkit.fluxcd.io'),
  check('list', 'buckets', 'source.toolkit.fluxcd.io'),
  check('list', 'certificaterequests', 'cert-manager.io'),
];

const ALLOWED: AccessCheck[] = Object.entries(EXPECTED_RULES).flatMap(([group, resources]) =>
  resources.flatMap((r) => READ_VERBS.map((v) => check(v, r, group))),
);

const describeAccess = (c: AccessCheck): string =>
  `${c.verb} ${c.group ? `${c.group}/` : ''}${c.resource}${c.subresource ? `/${c.subresource}` : ''}${c.namespace ? ` in ${c.namespace}` : ''}`;

/** What sandbox:up runs: the chart's ClusterRole and binding applied to the sandbox (idempotent). */
function applyChartRbac(): void {
  execFileSync(
    'bash',
    [join(ROOT, 'sandbox', 'helm', 'apply-rbac.sh'), '--kubeconfig', sandboxEnv().KUBECONFIG!],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}

describe("the chart's RBAC on the sandbox", () => {
  let admin: KubeClient;
  let sa: KubeClient;
  let rendered: Manifest[];

  beforeAll(() => {
    // Idempotent: sandbox:up runs it too; here it proves the script works and the live role is current.
    applyChartRbac();
    admin = new KubeClient(sandboxEnv().KUBECONFIG!);
    sa = new KubeClient(sandboxEnv().SA_KUBECONFIG!);
    rendered = renderRbac();
  }, 15 * 60_000);

  afterAll(() => {
    admin?.close();
    sa?.close();
  });

  const access = async (c: AccessCheck): Promise<boolean> => {
    const review = await sa.call<{ status: { allowed: boolean } }>(
      'POST',
      '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      {
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: c },
        },
      },
    );
    return review.status.allowed;
  };

  test('the live ClusterRole cluster-mcp has exactly the rendered rules', async () => {
    const live = await admin.get<{ rules: Rule[] }>(
      '/apis/rbac.authorization.k8s.io/v1/clusterroles/cluster-mcp',
    );
    expect(live.rules).toEqual(kindOf(rendered, 'ClusterRole').rules);
  });

  test('SA_KUBECONFIG is the ServiceAccount cluster-mcp/cluster-mcp, bound to it by the chart', async () => {
    const me = await sa.call<{ status: { userInfo: { username: string } } }>(
      'POST',
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      { body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } },
    );
    expect(me.status.userInfo.username).toBe('system:serviceaccount:cluster-mcp:cluster-mcp');
    const binding = await admin.get<Manifest & { roleRef: unknown; subjects: unknown[] }>(
      '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/cluster-mcp',
    );
    const want = kindOf(rendered, 'ClusterRoleBinding') as Manifest & {
      roleRef: unknown;
      subjects: unknown[];
    };
    expect(binding.roleRef).toEqual(want.roleRef);
    expect(binding.subjects).toEqual(want.subjects);
  });

  test("no other binding grants the ServiceAccount anything: its effective rules are the chart's", async () => {
    // Every authenticated identity may create self-reviews (system:basic-user); that is the whole baseline.
    const baseline = new Set([
      'authorization.k8s.io/selfsubjectaccessreviews',
      'authorization.k8s.io/selfsubjectrulesreviews',
      'authentication.k8s.io/selfsubjectreviews',
    ]);
    for (const namespace of ['cluster-mcp', 'default', 'kube-system', 'flux-system']) {
      const review = await sa.call<{ status: { resourceRules: Rule[] } }>(
        'POST',
        '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews',
        {
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectRulesReview',
            spec: { namespace },
          },
        },
      );
      const granted = review.status.resourceRules.filter(
        (r) =>
          !(r.apiGroups ?? []).every((g) => (r.resources ?? []).every((res) => baseline.has(`${g}/${res}`))),
      );
      expect(rulesByGroup(granted), namespace).toEqual(EXPECTED_RULES);
    }
  });

  test.each(FORBIDDEN.map((c) => [describeAccess(c), c] as const))('cannot %s', async (_name, c) => {
    expect(await access(c)).toBe(false);
  });

  test.each(ALLOWED.map((c) => [describeAccess(c), c] as const))('can %s', async (_name, c) => {
    expect(await access(c)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Every tool under the chart's identity

/** Arguments for tools that need some (taken from the seeded truth); every other tool is called with {}. */
const MINIMAL_ARGS: Record<string, Record<string, unknown>> = {
  query_metrics: { query: 'up' },
  query_logs: { namespace: LOG_STREAMS.find((s) => s.tenant === LOKI_DEFAULT_TENANT)?.labels.namespace },
  get_notifications: { topic: NTFY_TOPICS[0] },
};

/** The structure of a result: keys and array lengths, with leaf values replaced by their type. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shape);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, shape((v as Record<string, unknown>)[k])]),
    );
  return typeof v;
}

describe("every tool under the chart's ServiceAccount", () => {
  let asSa: TestServer;
  let asAdmin: TestServer;
  let tools: { name: string; inputSchema?: { required?: string[] } }[] = [];
  /** Each tool's result under the ServiceAccount, called once with minimal arguments. */
  const results = new Map<string, ToolResult>();

  const argsFor = (t: { name: string; inputSchema?: { required?: string[] } }): Record<string, unknown> => {
    const args = MINIMAL_ARGS[t.name] ?? {};
    const missing = (t.inputSchema?.required ?? []).filter((k) => !(k in args));
    if (missing.length > 0)
      throw new Error(`${t.name} requires ${missing.join(', ')}: add minimal arguments to MINIMAL_ARGS`);
    return args;
  };

  beforeAll(async () => {
    applyChartRbac();
    // The ntfy stand-in requires its token, as a real protected ntfy would.
    const ntfy: Record<string, string> = sandboxEnv().NTFY_TOKEN
      ? { NTFY_TOKEN: sandboxEnv().NTFY_TOKEN! }
      : {};
    asSa = await startServer({ env: ntfy }); // KUBECONFIG = SA_KUBECONFIG
    asAdmin = await startServer({ env: { ...ntfy, KUBECONFIG: sandboxEnv().KUBECONFIG! } });
    const c = await asSa.client();
    tools = (await c.listTools()).tools as typeof tools;
    await c.close();
    for (const t of tools) results.set(t.name, await asSa.call(t.name, argsFor(t)));
  }, 15 * 60_000);

  afterAll(async () => {
    await asSa?.close();
    await asAdmin?.close();
  });

  const failures = (match: (text: string) => boolean): string[] =>
    [...results]
      .filter(([, r]) => r.isError && match(r.content[0]?.text ?? ''))
      .map(([name, r]) => `${name}: ${r.content[0]?.text?.slice(0, 400)}`);

  test('no tool is refused by RBAC', () => {
    expect(tools.length).toBeGreaterThan(0);
    expect(
      failures((text) => /system:serviceaccount:|cannot (get|list|watch) resource|\bRBAC\b/i.test(text)),
    ).toEqual([]);
  });

  test('every tool listed by tools/list succeeds', () => {
    expect(failures(() => true)).toEqual([]);
  });

  test('every tool sees under the ServiceAccount what it sees as cluster admin', async () => {
    const differences: string[] = [];
    for (const t of tools) {
      // Concurrently, so nothing time-dependent (an event ageing out of the window) separates the two.
      const [mine, theirs] = await Promise.all([
        asSa.call(t.name, argsFor(t)),
        asAdmin.call(t.name, argsFor(t)),
      ]);
      const a = JSON.stringify(shape(mine.structuredContent ?? mine.content));
      const b = JSON.stringify(shape(theirs.structuredContent ?? theirs.content));
      if (a !== b || mine.isError !== theirs.isError) {
        let i = 0;
        while (i < a.length && a[i] === b[i]) i++;
        const at = (s: string) => s.slice(Math.max(0, i - 120), i + 200);
        differences.push(`${t.name}: service account …${at(a)}… vs admin …${at(b)}…`);
      }
    }
    expect(differences).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Image and workflows

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  test('builds on Node 24 with dev dependencies, prunes them, and runs distroless Node 24 as a numeric non-root user', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual(['node:24-bookworm-slim', 'gcr.io/distroless/nodejs24-debian12:nonroot']);
    expect(dockerfile).toMatch(/^USER 65532:65532$/m);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });

  test('passes BUILD_VERSION, GIT_SHA and BUILD_TIME to the build step get_version reads', () => {
    for (const arg of ['BUILD_VERSION', 'GIT_SHA', 'BUILD_TIME']) {
      expect(dockerfile).toMatch(new RegExp(`^ARG ${arg}=`, 'm'));
      expect(dockerfile).toMatch(new RegExp(`${arg}="\\$${arg}"[^\\n]*npm run build`));
      expect(read('scripts/build-info.mjs')).toContain(`process.env.${arg}`);
    }
  });

  test('.dockerignore lets through everything the Dockerfile copies from the context', () => {
    const allowed = read('.dockerignore')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).replace(/\/$/, ''));
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(copied.length).toBeGreaterThan(3);
    for (const src of copied) expect(allowed, src).toContain(src.replace(/\/$/, ''));
  });
});

describe('GitHub workflows', () => {
  const files = ['ci.yml', 'chart.yml', 'release.yml'].map((f) => `.github/workflows/${f}`);

  test('pin every action by full commit SHA with its version in a comment', () => {
    for (const f of files)
      for (const m of read(f).matchAll(/uses:\s*(\S+)(.*)$/gm))
        expect(`${m[1]}${m[2]}`, f).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
  });

  test('grant only read access by default; only the release jobs may write packages', () => {
    for (const f of files) {
      const wf = parseYaml(read(f)) as {
        permissions?: Record<string, string>;
        jobs: Record<string, { permissions?: Record<string, string> }>;
      };
      expect(wf.permissions, f).toBeDefined();
      for (const v of Object.values(wf.permissions ?? {})) expect(v, f).toBe('read');
      for (const [name, job] of Object.entries(wf.jobs))
        for (const [scope, v] of Object.entries(job.permissions ?? {}))
          if (v !== 'read')
            expect(`${f} ${name} ${scope}: ${v}`).toMatch(/release\.yml (image|chart) packages: write$/);
    }
  });

  test("the release workflow's edits of values.yaml find the lines they rewrite", () => {
    const values = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8');
    const release = read('.github/workflows/release.yml');
    for (const line of ['  repository: ghcr.io/cluster-mcp/cluster-mcp', '  digest: ""']) {
      expect(values.split('\n')).toContain(line);
      expect(release).toContain(`s#^${line.replaceAll('"', '\\"')}\\$#`);
    }
  });

  test(
    'pass actionlint',
    () => {
      try {
        execFileSync('bash', [join(ROOT, '.github', 'scripts', 'actionlint.sh')], {
          encoding: 'utf8',
          stdio: 'pipe',
        });
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string };
        throw new Error(`actionlint:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      }
    },
    15 * 60_000,
  );
});

// ---------------------------------------------------------------------------------------------------------------
// The README's "Deploy with Flux" / "Deploy with Helm" sections match the files

describe('README deploy sections', () => {
  const doc = read('README.md');
  const section = (title: string): string => {
    const start = doc.indexOf(`## ${title}\n`);
    if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
    const end = doc.indexOf('\n## ', start + 3);
    return doc.slice(start, end < 0 ? undefined : end);
  };

  test('has the "Deploy with Flux" and "Deploy with Helm" sections', () => {
    expect(section('Deploy with Flux')).toContain('k8s/cluster-mcp/');
    expect(section('Deploy with Helm')).toContain('helm install');
  });

  test('every repository path it names exists', () => {
    const paths = [
      ...doc.matchAll(
        /(?<![\w/.-])((?:charts|k8s|dashboards|docs|sandbox|src|test|\.github)\/[\w./-]*|Dockerfile)/g,
      ),
    ].map((m) => m[1]!.replace(/[.,]$/, ''));
    expect(paths.length).toBeGreaterThan(10);
    expect([...new Set(paths)].filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  test('its helm install command renders: the chart reference, version and every --set are valid', () => {
    const cmd = section('Deploy with Helm')
      .match(/```sh\n(helm install[^`]*?)```/)?.[1]
      ?.replace(/\\\n/g, ' ');
    if (!cmd) throw new Error('no helm install block in "Deploy with Helm"');
    const chartYaml = parseYaml(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { version: string };
    const source = parseYaml(read('k8s/cluster-mcp/ocirepository.yaml')) as { spec: { url: string } };
    expect(cmd).toContain(` ${source.spec.url} `);
    expect(cmd).toContain(`--version ${chartYaml.version} `);
    const sets = [...cmd.matchAll(/--set\s+'?([^\s']+)'?/g)].map((m) => m[1]!);
    expect(sets.length).toBeGreaterThan(3);
    const rendered = renderChart(sets.flatMap((s) => ['--set', s]));
    expect(kindOf(parseManifests(rendered), 'Ingress').metadata.name).toBe('cluster-mcp');
  });

  test('the Secret it tells Flux users to create is the one the HelmRelease and plain manifests use', () => {
    const name = /create secret generic ([\w-]+)/.exec(section('Deploy with Flux'))?.[1];
    const values = (
      parseYaml(read('k8s/cluster-mcp/helmrelease.yaml')) as { spec: { values: { secret: unknown } } }
    ).spec.values.secret;
    expect(values).toEqual({ existingSecret: name });
    expect(parseYaml(read('k8s/plain/values.yaml')).secret).toEqual({ existingSecret: name });
  });
});
