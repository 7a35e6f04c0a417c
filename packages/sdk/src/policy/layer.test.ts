import { describe, expect, it } from 'vitest';
import { explainPolicy } from './explain.js';
import { loadPolicy, type PolicySource } from './load.js';

const AT = { at: new Date('2026-11-25T00:00:00Z') };
const doc = (name: string, document: object): PolicySource => ({
  name,
  document: document as never,
});

function load(...sources: PolicySource[]) {
  const result = loadPolicy(sources, AT);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.policy;
}

describe('layering (clause 1.2)', () => {
  it('uses the built-in defaults with no files at all', () => {
    const { policy, provenance } = load();
    expect(policy.mode).toBe('enforce');
    expect(policy.detection.block).toHaveLength(10);
    expect(provenance.get('/mode')).toBe('built-in defaults');
  });

  it('lets a platform file override a default, and a later platform file override an earlier one', () => {
    const { policy, provenance } = load(
      doc('base.json', { version: '1', mode: 'monitor', detection: { threshold: 0.7 } }),
      doc('override.json', { version: '2', detection: { threshold: 0.9 } }),
    );
    expect(policy.mode).toBe('monitor');
    expect(provenance.get('/mode')).toBe('base.json');
    expect(policy.detection.threshold).toBe(0.9);
    expect(provenance.get('/detection/threshold')).toBe('override.json');
    expect(policy.version).toBe('2');
    // Untouched siblings keep their source: objects merge key by key.
    expect(provenance.get('/detection/limits/maxDepth')).toBe('built-in defaults');
  });

  it('replaces lists as a whole', () => {
    const { policy, provenance } = load(
      doc('p.json', { version: '1', detection: { block: ['bsn'] } }),
    );
    expect(policy.detection.block).toEqual(['bsn']);
    expect(provenance.get('/detection/block')).toBe('p.json');
  });

  it('replaces the purposes as a whole, so a platform can allow fewer', () => {
    const { policy } = load(
      doc('p.json', { version: '1', purposes: { provide: { description: 'p' } } }),
    );
    expect(Object.keys(policy.purposes)).toEqual(['provide']);
  });

  it('is deterministic: the same files in the same order give the same policy', () => {
    const files = [
      doc('a.json', { version: '1', mode: 'monitor' }),
      doc('b.json', { version: '2', mode: 'enforce' }),
    ];
    expect(load(...files).policy).toEqual(load(...files).policy);
    expect(load(...files.slice().reverse()).policy.mode).toBe('monitor');
  });

  it('puts a tenant agreement over the platform, and keeps every exception with its source', () => {
    const loaded = load(
      doc('platform.json', {
        version: '7',
        tenants: {
          acme: {
            name: 'Acme',
            purposes: ['provide', 'support', 'improve'],
            exceptions: [
              {
                category: 'health',
                fields: ['/absence/reason'],
                agreement: 'VO-1',
                expires: '2027-01-01',
              },
            ],
          },
          other: { name: 'Other Co' },
        },
      }),
      doc('acme.json', {
        tenant: 'acme',
        version: '3',
        purposes: ['provide', 'support'],
        exceptions: [
          { category: 'bsn', routes: ['POST /imports'], agreement: 'VO-2', expires: '2027-01-01' },
        ],
      }),
    );
    const { policy, provenance } = loaded.forTenant('acme');
    expect(policy.version).toBe('7+acme.3');
    expect(policy.tenant.name).toBe('Acme');
    expect(provenance.get('/tenant/name')).toBe('platform.json');
    expect(policy.tenant.purposes).toEqual(['provide', 'support']);
    expect(provenance.get('/tenant/purposes')).toBe('acme.json');
    expect(policy.tenant.exceptions.map((e) => e.agreement)).toEqual(['VO-1', 'VO-2']);
    expect(provenance.get('/tenant/exceptions/0')).toBe('platform.json');
    expect(provenance.get('/tenant/exceptions/1')).toBe('acme.json');
    // A controller never sees another controller's settings.
    expect(JSON.stringify(policy)).not.toContain('Other Co');
    expect(explainPolicy(policy, provenance).some((s) => s.pointer.startsWith('/tenants'))).toBe(
      false,
    );
  });

  it('applies an agreement file to its own tenant only', () => {
    const loaded = load(doc('acme.json', { tenant: 'acme', version: '3', purposes: ['provide'] }));
    expect(loaded.forTenant('acme').policy.tenant.purposes).toEqual(['provide']);
    expect(loaded.forTenant('beta').policy.tenant.purposes).toEqual([
      'provide',
      'secure',
      'support',
      'improve',
    ]);
    expect(loaded.forTenant('beta').policy.version).toBe('dpa-defaults-1');
  });

  it('refuses a tenant agreement that asks for a purpose the platform does not allow', () => {
    const result = loadPolicy(
      [
        doc('platform.json', { version: '1', purposes: { provide: { description: 'p' } } }),
        doc('acme.json', { tenant: 'acme', version: '1', purposes: ['improve'] }),
      ],
      AT,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0]?.message).toContain(
      'does not allow the purpose "improve"',
    );
  });

  it('explains every effective value with its source', () => {
    const { policy, provenance } = load(doc('p.json', { version: '1', mode: 'monitor' }));
    const settings = explainPolicy(policy, provenance);
    expect(settings).toContainEqual({ pointer: '/mode', value: 'monitor', source: 'p.json' });
    expect(settings).toContainEqual({
      pointer: '/strict',
      value: true,
      source: 'built-in defaults',
    });
    expect(settings).toContainEqual({
      pointer: '/detection/limits/maxNodes',
      value: 100000,
      source: 'built-in defaults',
    });
  });
});
