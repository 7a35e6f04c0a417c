import { describe, expect, it } from 'vitest';
import { createGuard } from '../guard.js';
import { regionData, standingOf } from './regions.js';
import { TRANSFER_POLICY } from './transfer.fixture.js';

const EEA =
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO'.split(
    ' ',
  );

describe('the region data', () => {
  it('holds exactly the EEA: EU27 plus Iceland, Liechtenstein and Norway', () => {
    expect(Object.keys(regionData().eea).sort()).toEqual([...EEA].sort());
  });

  it.each(EEA)('%s is in the EEA on any date', (code) => {
    expect(standingOf(code, '2026-11-25').basis).toBe('eea');
    expect(standingOf(code.toLowerCase(), '2040-01-01').basis).toBe('eea');
  });

  it('reads the EU style EL as Greece', () => {
    expect(standingOf('EL', '2026-11-25')).toMatchObject({ basis: 'eea', country: 'GR' });
  });

  it.each([
    ['AD', {}],
    ['AR', {}],
    ['FO', {}],
    ['GG', {}],
    ['IL', {}],
    ['IM', {}],
    ['JE', {}],
    ['NZ', {}],
    ['KR', {}],
    ['CH', {}],
    ['UY', {}],
    ['GB', {}],
    ['BR', {}],
    ['US', { dpfCertified: true }],
    ['CA', { sector: 'commercial' }],
    ['JP', { sector: 'commercial' }],
    ['INT', { organisation: 'epo' }],
  ] as const)('%s is adequate on 2026-11-25 when its condition is met', (code, facts) => {
    expect(standingOf(code, '2026-11-25', facts).basis).toBe('adequacy');
  });

  it.each([
    ['US', {}, 'dpf-not-certified'],
    ['US', { dpfCertified: false }, 'dpf-not-certified'],
    ['CA', { sector: 'public' }, 'sector-not-covered'],
    ['CA', {}, 'sector-not-covered'],
    ['JP', { sector: 'public' }, 'sector-not-covered'],
  ] as const)('%s %j fails its condition: %s', (code, facts, reason) => {
    expect(standingOf(code, '2026-11-25', facts)).toMatchObject({ basis: 'none', reason });
  });

  it('uses the date of the transfer: the UK decision ends 2031-12-27, Brazil starts 2026-01-26', () => {
    expect(standingOf('GB', '2031-12-27').basis).toBe('adequacy');
    expect(standingOf('GB', '2031-12-28')).toMatchObject({
      basis: 'none',
      reason: 'adequacy-expired',
    });
    expect(standingOf('GB', '2024-05-01').basis).toBe('adequacy'); // the 2021 decision
    expect(standingOf('BR', '2026-01-25')).toMatchObject({
      basis: 'none',
      reason: 'adequacy-not-yet',
    });
    expect(standingOf('BR', '2026-01-26').basis).toBe('adequacy');
  });

  it('has no basis for a country without a decision, or another organisation', () => {
    expect(standingOf('IN', '2026-11-25')).toEqual({ basis: 'none', country: 'IN' });
    expect(standingOf('CN', '2026-11-25').basis).toBe('none');
    expect(standingOf('INT', '2026-11-25', { organisation: 'who' }).basis).toBe('none');
  });

  it('records a source for the data file', () => {
    expect(regionData().version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('guard.checkTransfer', () => {
  const guard = createGuard({
    policy: [{ name: 'transfers.json', document: TRANSFER_POLICY }],
    clock: () => new Date('2026-11-25T10:00:00Z'),
  });

  it.each([
    [{ subprocessor: 'mailer', purpose: 'provide' }, true, ['eea']],
    [{ host: 'eu-west.mailer.eu', purpose: 'support' }, true, ['eea']],
    [{ host: 'mailer.eu', purpose: 'support' }, false, ['unknown-host']],
    [
      { host: 'upload.videohost.com', purpose: 'provide' },
      false,
      ['no-basis', 'dpf-not-certified'],
    ],
    [{ host: 'api.dpfvideo.com', purpose: 'provide' }, true, ['adequacy']],
    [
      { subprocessor: 'crm-ca-public', purpose: 'support' },
      false,
      ['no-basis', 'sector-not-covered'],
    ],
    [{ subprocessor: 'crm-ca', purpose: 'support' }, true, ['adequacy']],
    [{ subprocessor: 'uk-analytics', purpose: 'improve' }, true, ['adequacy']],
    [
      { subprocessor: 'uk-analytics', purpose: 'improve', at: '2032-01-01' },
      false,
      ['no-basis', 'adequacy-expired'],
    ],
    [{ subprocessor: 'in-support', purpose: 'support' }, true, ['mechanism']],
    [{ subprocessor: 'in-nosafeguard', purpose: 'support' }, false, ['no-basis']],
    [{ subprocessor: 'epo', purpose: 'provide' }, true, ['adequacy']],
    [{ subprocessor: 'mailer', purpose: 'improve' }, false, ['purpose-not-declared', 'eea']],
    [{ subprocessor: 'mailer' }, false, ['purpose-missing', 'eea']],
    [{ subprocessor: 'nobody', purpose: 'provide' }, false, ['unknown-subprocessor']],
    [{ host: 'evil.example.org', purpose: 'provide' }, false, ['unknown-host']],
    [{ host: 'localhost', purpose: 'provide' }, true, ['loopback']],
    [{ host: '127.0.0.1' }, true, ['loopback']],
    [{ host: '[::1]' }, true, ['loopback']],
    [{ host: 'db.internal.platform.example' }, true, ['internal-host']],
  ] as const)('%j → allowed %s, %j', (request, allowed, reasons) => {
    const decision = guard.checkTransfer(request);
    expect(decision.allowed).toBe(allowed);
    expect(decision.reasons).toEqual(reasons);
    expect(decision.policyVersion).toBe('transfers-1');
  });

  it('says which instrument and until when', () => {
    expect(guard.checkTransfer({ subprocessor: 'uk-analytics', purpose: 'improve' })).toMatchObject(
      {
        basis: 'adequacy',
        country: 'GB',
        expires: '2031-12-27',
        at: '2026-11-25',
      },
    );
    expect(guard.checkTransfer({ subprocessor: 'in-support', purpose: 'support' })).toMatchObject({
      basis: 'mechanism',
      instrument: 'SCC SCC-2026-07 module 3',
    });
  });

  it('refuses a date it cannot read, with a clear error', () => {
    expect(() =>
      guard.checkTransfer({ subprocessor: 'mailer', purpose: 'provide', at: 'tomorrow' }),
    ).toThrow(/not a date/);
  });
});
