import { describe, expect, it } from 'vitest';
import { validatePolicyText, validatePolicyValue } from './validate.js';

const AT = new Date('2026-11-25T12:00:00Z');
const validate = (doc: unknown) => validatePolicyValue(doc, 'test.json', undefined, { at: AT });
const messages = (doc: unknown) => {
  const r = validate(doc);
  return r.ok ? [] : r.problems.map((p) => `${p.pointer}: ${p.message}`);
};

const exception = {
  category: 'health',
  fields: ['/absence/reason'],
  agreement: 'VO-2026-014',
  expires: '2027-06-30',
};
const sub = { purposes: ['provide'], hosts: ['api.mailer.eu'], country: 'DE' };
const withTenant = (t: object) => ({ version: '1', tenants: { acme: t } });

// Each schema rule: a policy that satisfies it and one that breaks it, with the pointer
// the problem must name.
const rules: [string, unknown, unknown, string][] = [
  ['version is required', { version: '1' }, {}, ''],
  ['version has a label form', { version: '2026.11.1+r2' }, { version: 'v 1' }, '/version'],
  [
    'mode is enforce or monitor',
    { version: '1', mode: 'monitor' },
    { version: '1', mode: 'block' },
    '/mode',
  ],
  [
    'strict is boolean',
    { version: '1', strict: false },
    { version: '1', strict: 'yes' },
    '/strict',
  ],
  [
    'no unknown top-level settings',
    { version: '1', description: 'x' },
    { version: '1', modus: 'enforce' },
    '/modus',
  ],
  [
    'purposes are the four of clause 4.1',
    { version: '1', purposes: { provide: { description: 'x' } } },
    { version: '1', purposes: { sell: { description: 'x' } } },
    '/purposes/sell',
  ],
  [
    'a purpose needs a description',
    { version: '1', purposes: { secure: { description: 'Security' } } },
    { version: '1', purposes: { secure: {} } },
    '/purposes/secure',
  ],
  [
    'detection.block lists categories',
    { version: '1', detection: { block: ['bsn', 'health'] } },
    { version: '1', detection: { block: ['bsn', 'medical'] } },
    '/detection/block/1',
  ],
  [
    'detection.block has no repeats',
    { version: '1', detection: { block: ['bsn'] } },
    { version: '1', detection: { block: ['bsn', 'bsn'] } },
    '/detection/block/1',
  ],
  [
    'threshold is within 0..1',
    { version: '1', detection: { threshold: 0.7 } },
    { version: '1', detection: { threshold: 1.5 } },
    '/detection/threshold',
  ],
  [
    'field rule pointer is a JSON Pointer',
    { version: '1', detection: { fields: [{ pointer: '/notes/*', action: 'always-inspect' }] } },
    { version: '1', detection: { fields: [{ pointer: 'notes', action: 'always-inspect' }] } },
    '/detection/fields/0/pointer',
  ],
  [
    'field rule action is known',
    { version: '1', detection: { fields: [{ pointer: '/a', action: 'never-inspect' }] } },
    { version: '1', detection: { fields: [{ pointer: '/a', action: 'skip' }] } },
    '/detection/fields/0/action',
  ],
  [
    'field rule categories are categories',
    {
      version: '1',
      detection: { fields: [{ pointer: '/a', action: 'never-inspect', categories: ['bsn'] }] },
    },
    {
      version: '1',
      detection: { fields: [{ pointer: '/a', action: 'never-inspect', categories: [] }] },
    },
    '/detection/fields/0/categories',
  ],
  [
    'maxBodyBytes is a positive integer',
    { version: '1', detection: { limits: { maxBodyBytes: 1000 } } },
    { version: '1', detection: { limits: { maxBodyBytes: 0 } } },
    '/detection/limits/maxBodyBytes',
  ],
  [
    'maxDepth is an integer',
    { version: '1', detection: { limits: { maxDepth: 10 } } },
    { version: '1', detection: { limits: { maxDepth: 2.5 } } },
    '/detection/limits/maxDepth',
  ],
  [
    'maxNodes is positive',
    { version: '1', detection: { limits: { maxNodes: 5 } } },
    { version: '1', detection: { limits: { maxNodes: -1 } } },
    '/detection/limits/maxNodes',
  ],
  [
    'tenant ids are lowercase ids',
    withTenant({}),
    { version: '1', tenants: { 'Acme Corp': {} } },
    '/tenants/Acme Corp',
  ],
  [
    'tenant purposes narrow to known purposes',
    withTenant({ purposes: ['provide'] }),
    withTenant({ purposes: ['marketing'] }),
    '/tenants/acme/purposes/0',
  ],
  [
    'an exception needs an agreement reference',
    withTenant({ exceptions: [exception] }),
    withTenant({ exceptions: [{ ...exception, agreement: undefined }] }),
    '/tenants/acme/exceptions/0',
  ],
  [
    'an exception needs an expiry date',
    withTenant({ exceptions: [exception] }),
    withTenant({ exceptions: [{ ...exception, expires: undefined }] }),
    '/tenants/acme/exceptions/0',
  ],
  [
    'an exception date is YYYY-MM-DD',
    withTenant({ exceptions: [exception] }),
    withTenant({ exceptions: [{ ...exception, expires: '30-06-2027' }] }),
    '/tenants/acme/exceptions/0/expires',
  ],
  [
    'an exception needs a scope',
    withTenant({ exceptions: [{ ...exception, fields: undefined, routes: ['POST /absences'] }] }),
    withTenant({ exceptions: [{ ...exception, fields: undefined }] }),
    '/tenants/acme/exceptions/0',
  ],
  [
    'an exception route is METHOD /path',
    withTenant({ exceptions: [{ ...exception, routes: ['* /x/:id'] }] }),
    withTenant({ exceptions: [{ ...exception, routes: ['/x'] }] }),
    '/tenants/acme/exceptions/0/routes/0',
  ],
  [
    'an exception category is a category',
    withTenant({ exceptions: [exception] }),
    withTenant({ exceptions: [{ ...exception, category: 'diet' }] }),
    '/tenants/acme/exceptions/0/category',
  ],
  [
    'a contact has an e-mail address',
    withTenant({ contact: { name: 'DPO', email: 'dpo@acme.nl' } }),
    withTenant({ contact: { name: 'DPO', email: 'dpo' } }),
    '/tenants/acme/contact/email',
  ],
  [
    'a subprocessor needs purposes',
    { version: '1', subprocessors: { mailer: sub } },
    { version: '1', subprocessors: { mailer: { ...sub, purposes: [] } } },
    '/subprocessors/mailer/purposes',
  ],
  [
    'a subprocessor host is a hostname',
    { version: '1', subprocessors: { mailer: { ...sub, hosts: ['*.mailer.eu'] } } },
    { version: '1', subprocessors: { mailer: { ...sub, hosts: ['https://mailer.eu/'] } } },
    '/subprocessors/mailer/hosts/0',
  ],
  [
    'a subprocessor country is ISO alpha-2',
    { version: '1', subprocessors: { mailer: sub } },
    { version: '1', subprocessors: { mailer: { ...sub, country: 'Germany' } } },
    '/subprocessors/mailer/country',
  ],
  [
    'a transfer mechanism is scc or bcr',
    {
      version: '1',
      subprocessors: {
        v: { ...sub, country: 'IN', transfer: { mechanism: 'scc', reference: 'SCC-2024-3' } },
      },
    },
    {
      version: '1',
      subprocessors: { v: { ...sub, country: 'IN', transfer: { mechanism: 'trust-us' } } },
    },
    '/subprocessors/v/transfer/mechanism',
  ],
  [
    'dpfCertified is boolean',
    { version: '1', subprocessors: { v: { ...sub, country: 'US', dpfCertified: true } } },
    { version: '1', subprocessors: { v: { ...sub, country: 'US', dpfCertified: 'yes' } } },
    '/subprocessors/v/dpfCertified',
  ],
  [
    'sector is commercial or public',
    { version: '1', subprocessors: { v: { ...sub, country: 'CA', sector: 'commercial' } } },
    { version: '1', subprocessors: { v: { ...sub, country: 'CA', sector: 'ngo' } } },
    '/subprocessors/v/sector',
  ],
  [
    'an international organisation names itself',
    { version: '1', subprocessors: { v: { ...sub, country: 'INT', organisation: 'epo' } } },
    { version: '1', subprocessors: { v: { ...sub, country: 'INT' } } },
    '/subprocessors/v',
  ],
  [
    'a hook URL is http(s)',
    { version: '1', breach: { hooks: { p: { url: 'https://h.example.eu/x' } } } },
    { version: '1', breach: { hooks: { p: { url: 'ftp://h' } } } },
    '/breach/hooks/p/url',
  ],
  [
    'a hook URL holds no user or password (undici refuses it, and errors would quote it)',
    { version: '1', breach: { hooks: { p: { url: 'https://h.example.eu/x?a=b@c' } } } },
    { version: '1', breach: { hooks: { p: { url: 'https://ops:s3cret@h.example.eu/x' } } } },
    '/breach/hooks/p/url',
  ],
  [
    'a hook names the secret variable, never the secret',
    {
      version: '1',
      breach: { hooks: { p: { url: 'https://h.eu', secretEnv: 'DPA_HOOK_SECRET' } } },
    },
    {
      version: '1',
      breach: {
        hooks: { p: { url: 'https://h.eu', secretEnv: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' } },
      },
    },
    '/breach/hooks/p/secretEnv',
  ],
  [
    'there is a primary hook',
    {
      version: '1',
      breach: {
        hooks: { p: { url: 'https://h.eu' }, e: { url: 'https://e.eu', role: 'escalation' } },
      },
    },
    { version: '1', breach: { hooks: { e: { url: 'https://e.eu', role: 'escalation' } } } },
    '/breach/hooks',
  ],
  [
    'deadlineHours is positive',
    { version: '1', breach: { deadlineHours: 24 } },
    { version: '1', breach: { deadlineHours: 0 } },
    '/breach/deadlineHours',
  ],
  [
    'escalateBeforeHours is not negative',
    { version: '1', breach: { escalateBeforeHours: 6 } },
    { version: '1', breach: { escalateBeforeHours: -1 } },
    '/breach/escalateBeforeHours',
  ],
  ['a tenant agreement needs a version', { tenant: 'acme', version: '2' }, { tenant: 'acme' }, ''],
  [
    'a tenant agreement has tenant settings only',
    { tenant: 'acme', version: '2', exceptions: [exception] },
    { tenant: 'acme', version: '2', mode: 'monitor' },
    '/mode',
  ],
  [
    'a tenant agreement tenant is an id',
    { tenant: 'acme', version: '2' },
    { tenant: 'ACME!', version: '2' },
    '/tenant',
  ],
];

describe('policy schema rules', () => {
  it.each(rules)('%s', (_name, good, bad, pointer) => {
    expect(messages(good)).toEqual([]);
    const result = validate(bad);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((p) => p.pointer)).toContain(pointer);
      for (const p of result.problems) expect(p.message).not.toMatch(/^must match|#\/\$defs/);
    }
  });
});

describe('exceptions (clause 3.2)', () => {
  it('rejects an exception without an agreement reference, saying why', () => {
    const [message] = messages(
      withTenant({ exceptions: [{ ...exception, agreement: undefined }] }),
    );
    expect(message).toContain('reference of the written agreement');
  });

  it('rejects an expired exception with its date and reference', () => {
    const [message] = messages(
      withTenant({ exceptions: [{ ...exception, expires: '2026-11-24' }] }),
    );
    expect(message).toBe(
      '/tenants/acme/exceptions/0/expires: this exception expired on 2026-11-24; renew the written agreement "VO-2026-014" or remove the exception',
    );
  });

  it('accepts an exception that expires today, and rejects impossible dates', () => {
    expect(messages(withTenant({ exceptions: [{ ...exception, expires: '2026-11-25' }] }))).toEqual(
      [],
    );
    expect(
      messages(withTenant({ exceptions: [{ ...exception, expires: '2027-02-30' }] }))[0],
    ).toContain('not a date in the calendar');
  });

  it('rejects an exception that starts after it expires', () => {
    expect(
      messages(withTenant({ exceptions: [{ ...exception, since: '2027-07-01' }] }))[0],
    ).toContain('after it expires');
  });
});

describe('line and column of mistakes', () => {
  const text = `{
  "version": "1",
  "mode": "enforced",
  "detection": {
    "treshold": 0.6,
    "block": ["bsn", "helth"]
  },
  "tenants": {
    "acme": { "exceptions": [ { "category": "health", "fields": ["/x"] } ] }
  }
}`;
  const result = validatePolicyText(text, 'p.json', { at: AT });
  const problems = result.ok ? [] : result.problems;
  const at = (pointer: string) =>
    problems.filter((p) => p.pointer === pointer).map((p) => [p.line, p.column]);

  it('points at a wrong value', () => expect(at('/mode')).toEqual([[3, 11]]));
  it('points at an unknown key and suggests the known one', () => {
    expect(at('/detection/treshold')).toEqual([[5, 5]]);
    expect(problems.find((p) => p.pointer === '/detection/treshold')?.message).toContain(
      'did you mean "threshold"',
    );
  });
  it('points at a wrong list item', () => expect(at('/detection/block/1')).toEqual([[6, 22]]));
  it('points at an object that misses a required setting', () => {
    expect(at('/tenants/acme/exceptions/0')).toEqual([
      [9, 31],
      [9, 31],
    ]);
  });
  it('reports every problem of the file in one run', () => expect(problems).toHaveLength(5));
});

describe('unreadable documents', () => {
  it('gives malformed JSON a position and a sentence', () => {
    const result = validatePolicyText('{\n  "version": "1",\n  "mode": "enforce",\n}\n', 'p.json');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems).toEqual([
        {
          file: 'p.json',
          pointer: '',
          line: 4,
          column: 1,
          message:
            'not valid JSON: expected a property name in double quotes (is there a trailing comma?)',
        },
      ]);
    }
  });

  it('says an empty file is empty', () => {
    const result = validatePolicyText('  \n', 'p.json');
    expect(!result.ok && result.problems[0]?.message).toContain('the file is empty');
  });

  it('refuses a 5 MB document with a clear sentence, not a stack trace', () => {
    const big = JSON.stringify({ version: '1', description: 'x'.repeat(5 * 1024 * 1024) });
    const result = validatePolicyText(big, 'big.json');
    expect(!result.ok && result.problems[0]?.message).toMatch(
      /^the file is 5\.0 MB, more than the 1\.0 MB a policy file may be/,
    );
  });

  it('keeps "__proto__" a plain key and rejects it as an unknown setting', () => {
    const result = validatePolicyText('{"version":"1","__proto__":{"mode":"monitor"}}', 'p.json');
    expect(!result.ok && result.problems.map((p) => p.pointer)).toEqual(['/__proto__']);
    expect(({} as Record<string, unknown>).mode).toBeUndefined();
  });
});
