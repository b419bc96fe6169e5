import { describe, expect, it } from 'vitest';
import type { CustomObject } from '../../src/clients/crd.ts';
import {
  type CertificateItem,
  compareCertificates,
  daysLeft,
  expiresWithin,
  issuerText,
  projectCertificate,
} from '../../src/tools/certificates.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('daysLeft', () => {
  it.each([
    ['30 days ahead', iso(NOW + 30 * DAY), 30],
    ['exactly 7 days', iso(NOW + 7 * DAY), 7],
    ['6.99 days floors to 6.9', iso(NOW + 6.99 * DAY), 6.9],
    ['half a day', iso(NOW + 12 * 3_600_000), 0.5],
    ['expired an hour ago', iso(NOW - 3_600_000), -0.1],
    ['expired 3 days ago', iso(NOW - 3 * DAY), -3],
    ['no notAfter', undefined, undefined],
    ['unparseable', 'soon', undefined],
  ])('%s', (_name, notAfter, want) => {
    expect(daysLeft(notAfter, NOW)).toBe(want);
  });
});

describe('issuerText', () => {
  it.each([
    [{ name: 'letsencrypt', kind: 'ClusterIssuer' }, 'ClusterIssuer/letsencrypt'],
    [{ name: 'ca' }, 'Issuer/ca'],
    [{ name: 'ca', kind: 'Issuer', group: 'cert-manager.io' }, 'Issuer/ca'],
    [
      { name: 'pca', kind: 'AWSPCAClusterIssuer', group: 'awspca.cert-manager.io' },
      'AWSPCAClusterIssuer.awspca.cert-manager.io/pca',
    ],
    [{}, undefined],
  ])('%j → %s', (ref, want) => {
    expect(issuerText(ref)).toBe(want);
  });
});

describe('projectCertificate', () => {
  const cert = (spec: Record<string, unknown>, status: Record<string, unknown>): CustomObject => ({
    metadata: { name: 'web', namespace: 'apps', generation: 1 },
    spec,
    status,
  });

  it('shows the operator columns of a healthy certificate', () => {
    const c = projectCertificate(
      cert(
        {
          dnsNames: ['a.example.com', 'b.example.com'],
          secretName: 'web-tls',
          issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
        },
        {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Ready',
              message: 'Certificate is up to date and has not expired',
              lastTransitionTime: '2026-11-01T00:00:05Z',
              observedGeneration: 1,
            },
          ],
          notBefore: '2026-11-01T00:00:00Z',
          notAfter: iso(NOW + 40 * DAY),
          renewalTime: iso(NOW + 10 * DAY),
        },
      ),
      NOW,
    );
    expect(c).toEqual({
      namespace: 'apps',
      name: 'web',
      ready: 'True',
      reason: 'Ready',
      message: 'Certificate is up to date and has not expired',
      since: '2026-11-01T00:00:05Z',
      dnsNames: ['a.example.com', 'b.example.com'],
      secretName: 'web-tls',
      issuer: 'ClusterIssuer/letsencrypt',
      notBefore: '2026-11-01T00:00:00Z',
      notAfter: iso(NOW + 40 * DAY),
      daysLeft: 40,
      renewalTime: iso(NOW + 10 * DAY),
    });
  });

  it('shows failures, the Issuing flag, and at most 5 DNS names with their count', () => {
    const c = projectCertificate(
      cert(
        { dnsNames: ['1', '2', '3', '4', '5', '6', '7'], secretName: 's', issuerRef: { name: 'ca' } },
        {
          conditions: [
            {
              type: 'Ready',
              status: 'False',
              reason: 'DoesNotExist',
              message: 'Issuing certificate as Secret does not exist',
            },
            { type: 'Issuing', status: 'True', reason: 'DoesNotExist' },
          ],
          failedIssuanceAttempts: 2,
          lastFailureTime: '2026-11-25T11:00:00Z',
        },
      ),
      NOW,
    );
    expect(c).toMatchObject({
      ready: 'False',
      reason: 'DoesNotExist',
      issuing: true,
      dnsNames: ['1', '2', '3', '4', '5'],
      dnsNameCount: 7,
      failedIssuanceAttempts: 2,
      lastFailureTime: '2026-11-25T11:00:00Z',
    });
    expect(c.daysLeft).toBeUndefined();
  });

  it('shows the common name only when there are no DNS names', () => {
    expect(projectCertificate(cert({ commonName: 'internal-ca' }, {}), NOW).commonName).toBe('internal-ca');
    expect(
      projectCertificate(cert({ commonName: 'x', dnsNames: ['x'] }, {}), NOW).commonName,
    ).toBeUndefined();
  });
});

describe('order and expiry window', () => {
  const c = (name: string, offsetDays?: number, namespace = 'apps'): CertificateItem => ({
    namespace,
    name,
    ready: 'True',
    ...(offsetDays === undefined ? {} : { notAfter: iso(NOW + offsetDays * DAY) }),
  });

  it('sorts soonest expiry first, unknown last, ties by namespace/name', () => {
    const sorted = [c('none'), c('later', 60), c('expired', -1), c('b', 5), c('a', 5, 'zz'), c('a', 5)].sort(
      compareCertificates,
    );
    expect(sorted.map((x) => `${x.namespace}/${x.name}`)).toEqual([
      'apps/expired',
      'apps/a',
      'apps/b',
      'zz/a',
      'apps/later',
      'apps/none',
    ]);
  });

  it.each([
    [6.99, 7, true],
    [7, 7, true],
    [7.01, 7, false],
    [-2, 7, true],
    [undefined, 7, false],
  ])('notAfter in %s days is within %i days: %s', (offset, days, want) => {
    expect(expiresWithin(c('x', offset), days, NOW)).toBe(want);
  });
});
