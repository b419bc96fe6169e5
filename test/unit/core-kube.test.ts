import { describe, expect, it } from 'vitest';
import { KubeApiError } from '../../src/clients/kube.ts';
import {
  checkName,
  cleanApiMessage,
  explainKubeError,
  fieldValue,
  joinSelectors,
  type KubeOp,
  resourcePath,
} from '../../src/clients/kube-core.ts';
import { CallerError, UpstreamError } from '../../src/mcp/errors.ts';

const apiError = (status: number, reason: string, message: string) =>
  new KubeApiError(status, reason, message, 'https://127.0.0.1:16443/api/v1/pods');

describe('explainKubeError', () => {
  const list: KubeOp = { verb: 'list', resource: 'pods', namespace: 'shop' };

  it('names the identity, verb, resource and namespace of an RBAC denial', () => {
    const err = explainKubeError(
      apiError(
        403,
        'Forbidden',
        'pods is forbidden: User "system:serviceaccount:cluster-mcp:cluster-mcp" cannot list resource "pods" in API group "" in the namespace "shop"',
      ),
      list,
    ) as Error;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.message).toBe(
      `RBAC forbids this server's identity (system:serviceaccount:cluster-mcp:cluster-mcp) to list pods in namespace "shop". Grant it get, list and watch on pods (the Helm chart's ClusterRole does), or ask about a namespace it may read.`,
    );
  });

  it('names the API group of a cluster-wide denial', () => {
    const err = explainKubeError(apiError(403, 'Forbidden', 'forbidden'), {
      verb: 'list',
      resource: 'deployments',
      group: 'apps',
    }) as Error;
    expect(err.message).toMatch(/to list deployments\.apps cluster-wide/);
  });

  it.each<[string, KubeOp, string, RegExp]>([
    [
      'a bad label selector',
      { ...list, labelSelector: 'app=a b' },
      "unable to parse requirement: values[0][app]: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters (e.g. 'MyValue',  or 'my_value'), regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?'",
      /^labelSelector "app=a b" was rejected by the Kubernetes API: values\[0\]\[app\]: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters$/,
    ],
    [
      'a bad field selector',
      { ...list, fieldSelector: 'spec.foo=1' },
      'field label not supported: spec.foo',
      /^fieldSelector "spec\.foo=1" was rejected by the Kubernetes API: field label not supported: spec\.foo$/,
    ],
    [
      'either, judged by the message',
      { ...list, labelSelector: 'a=b', fieldSelector: 'spec.foo=1' },
      'field label not supported: spec.foo',
      /^fieldSelector /,
    ],
  ])('turns the 400 for %s into a CallerError with the cleaned message', (_n, op, message, expected) => {
    const err = explainKubeError(apiError(400, 'BadRequest', message), op) as Error;
    expect(err).toBeInstanceOf(CallerError);
    expect(err.message).toMatch(expected);
  });

  it('leaves a 400 without selectors as it was', () => {
    const e = apiError(400, 'BadRequest', 'something else');
    expect(explainKubeError(e, list)).toBe(e);
  });

  it('says a named object does not exist (404) as a CallerError', () => {
    const err = explainKubeError(apiError(404, 'NotFound', 'nodes "x" not found'), {
      verb: 'get',
      resource: 'nodes',
      name: 'x',
    }) as Error;
    expect(err).toBeInstanceOf(CallerError);
    expect(err.message).toBe('nodes "x" does not exist.');
  });

  it.each<[number, RegExp]>([
    [401, /credentials \(401 Unauthorized\)/],
    [404, /does not serve pods \(404\)/],
    [410, /410 Expired\); retry/],
    [429, /throttling requests \(429/],
  ])('explains status %d', (status, expected) => {
    const err = explainKubeError(apiError(status, 'X', 'm'), list) as Error;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.message).toMatch(expected);
  });

  it('passes other errors through', () => {
    const e = new Error('boom');
    expect(explainKubeError(e, list)).toBe(e);
    const s = apiError(500, 'InternalError', 'etcd down');
    expect(explainKubeError(s, list)).toBe(s);
  });
});

describe('names and selectors', () => {
  it.each([
    ['default', 'label', true],
    ['kube-system', 'label', true],
    ['node-1.example.com', 'subdomain', true],
    ['node-1.example.com', 'label', false],
    ['Shop', 'label', false],
    ['a,b', 'subdomain', false],
    ['-x', 'label', false],
    ['x'.repeat(64), 'label', false],
  ] as const)('checkName(%j, %s) valid: %s', (value, kind, valid) => {
    if (valid) expect(checkName(value, 'namespace', kind)).toBe(value);
    else
      expect(() => checkName(value, 'namespace', kind)).toThrow(
        /^namespace: ".*" is not a valid Kubernetes name/,
      );
  });

  it('escapes field selector values and joins terms', () => {
    expect(fieldValue('a,b=c\\d')).toBe('a\\,b\\=c\\\\d');
    expect(joinSelectors(undefined, '', false, ' a=b ', 'c!=d')).toBe('a=b,c!=d');
    expect(joinSelectors(undefined, false)).toBeUndefined();
  });

  it('builds core, grouped, namespaced and named paths', () => {
    expect(resourcePath({ version: 'v1', resource: 'pods' })).toBe('/api/v1/pods');
    expect(resourcePath({ version: 'v1', resource: 'pods', namespace: 'shop' })).toBe(
      '/api/v1/namespaces/shop/pods',
    );
    expect(resourcePath({ group: 'apps', version: 'v1', resource: 'deployments' })).toBe(
      '/apis/apps/v1/deployments',
    );
    expect(resourcePath({ version: 'v1', resource: 'nodes', name: 'n 1' })).toBe('/api/v1/nodes/n%201');
  });

  it('cleanApiMessage collapses whitespace and bounds the text', () => {
    expect(cleanApiMessage('invalid selector:  a\n b')).toBe('a b');
    expect(cleanApiMessage('x'.repeat(500)).length).toBeLessThanOrEqual(301);
  });
});
