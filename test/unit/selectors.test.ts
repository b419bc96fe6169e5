/**
 * Label and field selectors parsed and evaluated as the Kubernetes API server does (k8s.io/apimachinery), so the
 * pod cache selects exactly what a list request would; test/integration/pod-cache.test.ts checks the case table
 * against the real kube-apiserver.
 */
import { describe, expect, it } from 'vitest';
import {
  type FieldTerm,
  fieldMatcher,
  labelKeyError,
  labelMatcher,
  labelValueError,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../src/util/selectors.ts';
import { FIELD_SELECTOR_CASES, LABEL_SELECTOR_CASES } from '../fixtures/selector-cases.ts';

/** The pod fields the API server accepts in field selectors (pkg/registry/core/pod/strategy.go). */
const POD_FIELD_LABELS = new Set([
  'metadata.name',
  'metadata.namespace',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.schedulerName',
  'spec.serviceAccountName',
  'spec.hostNetwork',
  'status.phase',
  'status.podIP',
  'status.podIPs',
  'status.nominatedNodeName',
]);

describe('parseLabelSelector', () => {
  it.each(LABEL_SELECTOR_CASES)('%j parses as the API server parses it', (text, expected) => {
    const parsed = parseLabelSelector(text);
    if (expected === undefined) {
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(/^unable to parse requirement: /);
    } else expect(parsed).toEqual({ ok: true, value: expected });
  });

  it('a NUL character is not answerable (the API server reads it as the end of the text)', () => {
    expect(parseLabelSelector('a=b\0c').ok).toBe(false);
  });
});

describe('label keys and values', () => {
  it.each<[string, boolean]>([
    ['a', true],
    ['app.kubernetes.io/name', true],
    ['k8s.io/a_b.C-d', true],
    ['a'.repeat(63), true],
    [`${'p'.repeat(253)}/a`, true],
    ['a'.repeat(64), false],
    [`${'p'.repeat(254)}/a`, false],
    ['UPPER.io/a', false],
    ['-a', false],
    ['a-', false],
    ['', false],
    ['a//b', false],
  ])('key %j valid: %s', (key, valid) => {
    expect(labelKeyError(key) === undefined).toBe(valid);
  });

  it.each<[string, boolean]>([
    ['', true],
    ['v', true],
    ['V_1.2-x', true],
    ['v'.repeat(63), true],
    ['v'.repeat(64), false],
    ['.v', false],
    ['v/', false],
    ['a b', false],
  ])('value %j valid: %s', (value, valid) => {
    expect(labelValueError(value) === undefined).toBe(valid);
  });
});

describe('matchLabels', () => {
  const web = { app: 'web', tier: 'front', replicas: '3', empty: '' };
  it.each<[string, Record<string, string> | undefined, boolean]>([
    ['', web, true],
    ['app=web', web, true],
    ['app==web', web, true],
    ['app=db', web, false],
    ['app=web', undefined, false],
    ['app!=db', web, true],
    ['app!=web', web, false],
    // != and notin also match when the label is absent.
    ['missing!=x', web, true],
    ['missing notin (x)', web, true],
    ['app in (db,web)', web, true],
    ['app in (db)', web, false],
    ['app notin (db,web)', web, false],
    ['app', web, true],
    ['missing', web, false],
    ['!missing', web, true],
    ['!app', web, false],
    ['!app', undefined, true],
    ['empty=', web, true],
    ['empty', web, true],
    ['empty in ()', web, true],
    ['app in ()', web, false],
    ['missing=', web, false],
    ['replicas>2', web, true],
    ['replicas>3', web, false],
    ['replicas<4', web, true],
    ['replicas<03', web, false],
    // Gt/Lt need an integer label value: absent or not a number never matches.
    ['app>1', web, false],
    ['missing<9', web, false],
    ['app=web,tier=front', web, true],
    ['app=web,tier=back', web, false],
    ['app=web,!tier', web, false],
  ])('%j on %j → %s', (text, labels, expected) => {
    const parsed = parseLabelSelector(text);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(matchLabels(parsed.value, labels)).toBe(expected);
  });

  it('label keys are looked up as own properties only', () => {
    const parsed = parseLabelSelector('constructor');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(matchLabels(parsed.value, {})).toBe(false);
  });
});

describe('parseFieldSelector', () => {
  it.each(FIELD_SELECTOR_CASES)('%j: accepted by the API server on pods: %s', (text, accepted) => {
    const parsed = parseFieldSelector(text);
    const ok = parsed.ok && parsed.value.every((t) => POD_FIELD_LABELS.has(t.field));
    expect(ok).toBe(accepted);
  });

  it.each<[string, FieldTerm[]]>([
    ['spec.nodeName=n1', [{ field: 'spec.nodeName', op: '=', value: 'n1' }]],
    ['spec.nodeName==n1', [{ field: 'spec.nodeName', op: '=', value: 'n1' }]],
    ['status.phase!=Running', [{ field: 'status.phase', op: '!=', value: 'Running' }]],
    ['metadata.name=a\\,b\\=c\\\\', [{ field: 'metadata.name', op: '=', value: 'a,b=c\\' }]],
    ['metadata.name=!x', [{ field: 'metadata.name', op: '=', value: '!x' }]],
    [
      'a=1,,b!=2,',
      [
        { field: 'a', op: '=', value: '1' },
        { field: 'b', op: '!=', value: '2' },
      ],
    ],
  ])('%j → terms', (text, terms) => {
    expect(parseFieldSelector(text)).toEqual({ ok: true, value: terms });
  });
});

describe('matchers', () => {
  interface Obj {
    name: string;
    node: string;
  }
  const fields = { 'metadata.name': (o: Obj) => o.name, 'spec.nodeName': (o: Obj) => o.node };
  const a: Obj = { name: 'a,b', node: '' };

  it('an empty or missing selector matches everything', () => {
    expect(labelMatcher(undefined)?.(undefined)).toBe(true);
    expect(labelMatcher('')?.({})).toBe(true);
    expect(fieldMatcher(undefined, fields)?.(a)).toBe(true);
    expect(fieldMatcher('', fields)?.(a)).toBe(true);
  });

  it('a selector the API server would reject is not answerable', () => {
    expect(labelMatcher('app=a b')).toBeUndefined();
    expect(fieldMatcher('metadata.name=a=b', fields)).toBeUndefined();
  });

  it('a field the caller cannot read is not answerable', () => {
    expect(fieldMatcher('status.podIP=10.0.0.1', fields)).toBeUndefined();
    expect(fieldMatcher('metadata.name=a,constructor=x', fields)).toBeUndefined();
    expect(fieldMatcher('=a', fields)).toBeUndefined();
  });

  it('field terms compare the exact (unescaped) value, = and != alike', () => {
    expect(fieldMatcher('metadata.name=a\\,b', fields)?.(a)).toBe(true);
    expect(fieldMatcher('metadata.name!=a\\,b', fields)?.(a)).toBe(false);
    expect(fieldMatcher('spec.nodeName=', fields)?.(a)).toBe(true);
    expect(fieldMatcher('spec.nodeName!=', fields)?.(a)).toBe(false);
    expect(fieldMatcher('metadata.name=a\\,b,spec.nodeName=x', fields)?.(a)).toBe(false);
  });

  it('label selectors evaluate against the labels given', () => {
    const m = labelMatcher('app in (web,api),!canary');
    expect(m?.({ app: 'api' })).toBe(true);
    expect(m?.({ app: 'api', canary: 'true' })).toBe(false);
    expect(m?.(undefined)).toBe(false);
  });
});
