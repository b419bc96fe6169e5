/**
 * get_certificates over MCP against the sandbox, as the read-only ServiceAccount, compared with the seeded truth
 * (sandbox/seed/fixtures.ts): columns, order, expiry window, summary, and absence of cert-manager.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeCertManager, restoreCertManager, seedTimeMs } from '../../sandbox/control.ts';
import {
  type CertificateFixture,
  certificates,
  certificatesExpiringWithin,
  clock,
  DAY,
  failedCertificates,
} from '../../sandbox/seed/fixtures.ts';
import { boundText } from '../../src/tools/conditions.ts';
import { errorText, ok, startServer, type TestServer } from '../support/server.ts';

interface Cert {
  namespace: string;
  name: string;
  [k: string]: unknown;
}
interface CertsOut {
  items: Cert[];
  total: number | null;
  truncated: boolean;
  hint?: string;
  summary: {
    total: number;
    ready: number;
    not_ready_count: number;
    expiringWithin14Days: number;
    expired: number;
  };
}

const key = (c: { namespace: string; name: string }) => `${c.namespace}/${c.name}`;
const keys = (cs: { namespace: string; name: string }[]) => cs.map(key).sort();
const elapsedSinceSeedSec = () => (Date.now() - seedTimeMs()) / 1000;

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.close();
});

describe('get_certificates', () => {
  it('shows every seeded certificate with readiness, names, issuer, validity and failures', async () => {
    const out = ok<CertsOut>(await server.call('get_certificates', {}));
    expect(keys(out.items)).toEqual(keys(certificates));
    const t = clock(seedTimeMs());
    const items = new Map(out.items.map((c) => [key(c), c]));
    for (const f of certificates) {
      const c = items.get(key(f))!;
      // since (the Ready transition time) is not part of the fixture; every seeded certificate has one.
      const { daysLeft, since, ...rest } = c;
      expect(Number.isNaN(Date.parse(since as string)), key(f)).toBe(false);
      expect(rest, key(f)).toEqual(
        Object.fromEntries(
          Object.entries({
            namespace: f.namespace,
            name: f.name,
            ready: f.ready,
            reason: f.reason,
            message: boundText(f.message),
            issuing: f.issuing?.status === 'True' ? true : undefined,
            dnsNames: f.dnsNames.slice(0, 5),
            dnsNameCount: f.dnsNames.length > 5 ? f.dnsNames.length : undefined,
            secretName: f.secretName,
            issuer: `${f.issuer.kind}/${f.issuer.name}`,
            notBefore: f.notBeforeAgoDays === undefined ? undefined : t(f.notBeforeAgoDays * DAY),
            notAfter: f.notAfterDays === null ? undefined : t(-f.notAfterDays * DAY),
            renewalTime: f.renewalDays === undefined ? undefined : t(-f.renewalDays * DAY),
            failedIssuanceAttempts: f.failedIssuanceAttempts,
            lastFailureTime: f.lastFailureAgoSec === undefined ? undefined : t(f.lastFailureAgoSec),
          }).filter(([, v]) => v !== undefined),
        ),
      );
      if (f.notAfterDays === null) expect(daysLeft, key(f)).toBeUndefined();
      else {
        // Days left is floored to a tenth at the server's "now"; allow that tenth.
        const want = f.notAfterDays - elapsedSinceSeedSec() / DAY;
        expect(Math.abs((daysLeft as number) - want), key(f)).toBeLessThanOrEqual(0.11);
      }
    }
  });

  it('sorts by days left, never-issued certificates last', async () => {
    const out = ok<CertsOut>(await server.call('get_certificates', {}));
    const order = (f: CertificateFixture) => f.notAfterDays ?? Number.POSITIVE_INFINITY;
    const want = [...certificates].sort(
      (a, b) => order(a) - order(b) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0),
    );
    expect(out.items.map(key)).toEqual(want.map(key));
  });

  it('summary counts total, not ready and expiring within 14 days as seeded', async () => {
    const out = ok<CertsOut>(await server.call('get_certificates', {}));
    expect(out.summary).toMatchObject({
      total: certificates.length,
      not_ready_count: failedCertificates.length,
      ready: certificates.length - failedCertificates.length,
      expiringWithin14Days: certificatesExpiringWithin(14, elapsedSinceSeedSec()).length,
    });
  });

  it('expiringWithinDays: 7 returns exactly the seeded certificates expiring within 7 days', async () => {
    const want = certificatesExpiringWithin(7, elapsedSinceSeedSec());
    expect(want.length).toBeGreaterThan(0);
    const out = ok<CertsOut>(await server.call('get_certificates', { expiringWithinDays: 7 }));
    expect(keys(out.items)).toEqual(keys(want));
    expect(out.total).toBe(want.length);
  });

  it('status not_ready returns exactly the seeded failing certificates', async () => {
    const out = ok<CertsOut>(await server.call('get_certificates', { status: 'not_ready' }));
    expect(keys(out.items)).toEqual(keys(failedCertificates));
  });

  it('namespace narrows to that namespace', async () => {
    const out = ok<CertsOut>(await server.call('get_certificates', { namespace: 'monitoring' }));
    expect(keys(out.items)).toEqual(keys(certificates.filter((c) => c.namespace === 'monitoring')));
  });

  it('an empty result carries a hint', async () => {
    const out = ok<CertsOut>(await server.call('get_certificates', { namespace: 'kube-public' }));
    expect(out.items).toEqual([]);
    expect(out.hint).toMatch(/No Certificates in namespace kube-public/);
  });

  describe('without cert-manager', () => {
    afterAll(async () => {
      await restoreCertManager();
    });

    it('says cert-manager is not installed', async () => {
      await removeCertManager();
      // Discovery is cached per app for 30 s: a fresh server sees the removal at once.
      const fresh = await startServer();
      try {
        expect(errorText(await fresh.call('get_certificates', {}))).toBe(
          'cert-manager is not installed: no cert-manager.io API',
        );
      } finally {
        await fresh.close();
      }
    });
  });
});
