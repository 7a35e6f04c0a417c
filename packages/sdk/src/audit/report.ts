import type { Policy } from '../policy/types.js';
import type { AuditRecord } from './record.js';

export interface ReportScope {
  tenant?: string | undefined;
  /** ISO date or time, inclusive. */
  from?: string | undefined;
  /** ISO date or time, inclusive (a date covers that whole day). */
  to?: string | undefined;
}

type Counts = Record<string, number>;

/** What happened for one tenant in a period, from the records alone. */
export interface TenantReport {
  tenant: string;
  processingPerPurpose: Counts;
  blocksPerCategory: Counts;
  /** By the written agreement's reference. */
  exceptionsUsed: Counts;
  /** "subprocessor (country)": allowed and refused. */
  transfers: Record<string, { allowed: number; refused: number }>;
  breachSignals: {
    id: string;
    kind: string;
    deadline: string;
    deliveredAt?: string;
    metDeadline: boolean | 'open';
  }[];
  subjectRequests: Counts;
}

export interface AuditReport {
  from: string;
  to: string;
  generatedAt: string;
  records: number;
  tenants: TenantReport[];
  /** Clause 6: the measures in force, read from the live policy. */
  securityMeasures: string[];
}

/** Whether a record falls in the scope (tenant and time range). */
export function inScope(record: AuditRecord, scope: ReportScope): boolean {
  if (scope.tenant !== undefined && record.tenant !== scope.tenant) return false;
  if (scope.from !== undefined && record.time < scope.from) return false;
  if (scope.to !== undefined && record.time > endOf(scope.to)) return false;
  return true;
}

function endOf(to: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(to) ? `${to}T23:59:59.999Z` : to;
}

const add = (counts: Counts, key: string | undefined) => {
  if (key !== undefined) counts[key] = (counts[key] ?? 0) + 1;
};

export function buildReport(
  records: Iterable<AuditRecord>,
  scope: ReportScope,
  policy: Policy,
  now: Date,
): AuditReport {
  const tenants = new Map<string, TenantReport>();
  const of = (tenant: string): TenantReport => {
    let report = tenants.get(tenant);
    if (report === undefined) {
      report = {
        tenant,
        processingPerPurpose: {},
        blocksPerCategory: {},
        exceptionsUsed: {},
        transfers: {},
        breachSignals: [],
        subjectRequests: {},
      };
      tenants.set(tenant, report);
    }
    return report;
  };
  const delivered = new Map<string, string>();
  let count = 0;
  let first: string | undefined;
  let last: string | undefined;
  const signals: { tenant: string; record: AuditRecord }[] = [];
  for (const record of records) {
    if (record.kind === 'breach-delivered') {
      const id = detail(record, 'signalId') ?? '';
      if (!delivered.has(id)) delivered.set(id, record.time);
    }
    if (!inScope(record, scope)) continue;
    count++;
    first ??= record.time;
    last = record.time;
    const report = of(record.tenant ?? '(platform)');
    switch (record.kind) {
      case 'inspection':
        add(report.processingPerPurpose, record.purpose ?? '(none)');
        if (record.decision === 'block' || record.decision === 'uninspectable')
          for (const c of record.categories?.length ? record.categories : [record.decision])
            add(report.blocksPerCategory, c);
        break;
      case 'exception-used':
        add(report.exceptionsUsed, detail(record, 'agreement') ?? '(unknown)');
        break;
      case 'transfer': {
        const key = `${detail(record, 'subprocessor') ?? detail(record, 'host') ?? '?'} (${detail(record, 'country') ?? '?'})`;
        const t = (report.transfers[key] ??= { allowed: 0, refused: 0 });
        if (record.decision === 'allowed') t.allowed++;
        else t.refused++;
        break;
      }
      case 'breach-signal':
        signals.push({ tenant: report.tenant, record });
        break;
      case 'subject-request':
        add(
          report.subjectRequests,
          `${detail(record, 'request') ?? '?'} ${record.decision ?? ''}`.trim(),
        );
        break;
      case 'breach-delivered':
      case 'offboarding':
      case 'deletion-certificate':
        break;
    }
  }
  for (const { tenant, record } of signals) {
    const id = detail(record, 'signalId') ?? '';
    const deadline = detail(record, 'deadline') ?? '';
    const deliveredAt = delivered.get(id);
    of(tenant).breachSignals.push({
      id,
      kind: detail(record, 'kind') ?? '?',
      deadline,
      ...(deliveredAt === undefined ? {} : { deliveredAt }),
      metDeadline:
        deliveredAt === undefined
          ? now.toISOString() > deadline
            ? false
            : 'open'
          : deliveredAt <= deadline,
    });
  }
  return {
    from: scope.from ?? first ?? '-',
    to: scope.to ?? last ?? '-',
    generatedAt: now.toISOString(),
    records: count,
    tenants: [...tenants.values()].sort((a, b) => (a.tenant < b.tenant ? -1 : 1)),
    securityMeasures: securityMeasures(policy),
  };
}

/** Clause 6, as the policy in force implements it. */
export function securityMeasures(policy: Policy): string[] {
  const d = policy.detection;
  return [
    `Policy ${policy.version}, mode ${policy.mode}${policy.mode === 'enforce' ? ' (forbidden data is refused)' : ' (recorded, not refused)'}.`,
    `Writes inspected for: ${d.block.join(', ')}; confidence threshold ${String(d.threshold)}.`,
    `Bodies over ${String(d.limits.maxBodyBytes)} bytes, ${String(d.limits.maxDepth)} levels or ${String(d.limits.maxNodes)} values cannot be inspected and are ${policy.mode === 'enforce' ? 'refused' : 'recorded'}.`,
    `Every processing needs a purpose (${Object.keys(policy.purposes).join(', ')})${policy.strict ? ', enforced per route' : ''}.`,
    `${String(Object.keys(policy.subprocessors).length)} registered subprocessor(s); transfers checked against the EEA and adequacy decisions.`,
    `Breach signals due within ${String(policy.breach.deadlineHours)} h, escalated ${String(policy.breach.escalateBeforeHours)} h before; ${String(Object.keys(policy.breach.hooks).length)} hook(s) configured.`,
  ];
}

export function formatReportText(report: AuditReport): string {
  const out = [
    `dpa-guard audit report ${report.from} – ${report.to} (${String(report.records)} records, generated ${report.generatedAt})`,
  ];
  const counts = (c: Counts) =>
    Object.keys(c).length === 0
      ? 'none'
      : Object.entries(c)
          .map(([k, v]) => `${k} ${String(v)}`)
          .join(', ');
  for (const t of report.tenants) {
    out.push('', `Tenant ${t.tenant}`);
    out.push(`  processing per purpose: ${counts(t.processingPerPurpose)}`);
    out.push(`  blocks per category:    ${counts(t.blocksPerCategory)}`);
    out.push(`  exceptions used:        ${counts(t.exceptionsUsed)}`);
    const transfers = Object.entries(t.transfers).map(
      ([k, v]) => `${k} ${String(v.allowed)} allowed, ${String(v.refused)} refused`,
    );
    out.push(`  transfers:              ${transfers.length === 0 ? 'none' : transfers.join('; ')}`);
    out.push(`  subject requests:       ${counts(t.subjectRequests)}`);
    out.push(`  breach signals:         ${t.breachSignals.length === 0 ? 'none' : ''}`);
    for (const s of t.breachSignals)
      out.push(
        `    ${s.id} ${s.kind}: deadline ${s.deadline}, ${s.metDeadline === 'open' ? 'not yet delivered' : s.metDeadline ? `delivered ${s.deliveredAt ?? ''} (met)` : `MISSED${s.deliveredAt === undefined ? '' : ` (delivered ${s.deliveredAt})`}`}`,
      );
  }
  out.push(
    '',
    'Security measures in force (clause 6):',
    ...report.securityMeasures.map((m) => `  - ${m}`),
  );
  return out.join('\n');
}

const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** A static HTML page with the same numbers and simple bar charts (no scripts, no network). */
export function formatReportHtml(report: AuditReport): string {
  const bars = (title: string, counts: Counts) => {
    const max = Math.max(1, ...Object.values(counts));
    const rows = Object.entries(counts)
      .map(
        ([k, v]) =>
          `<tr><th>${escape(k)}</th><td><div class="bar" style="width:${String(Math.round((v / max) * 100))}%"></div></td><td>${String(v)}</td></tr>`,
      )
      .join('');
    return `<h3>${escape(title)}</h3>${rows === '' ? '<p>none</p>' : `<table>${rows}</table>`}`;
  };
  const sections = report.tenants
    .map((t) => {
      const transfers: Counts = Object.fromEntries(
        Object.entries(t.transfers).map(([k, v]) => [k, v.allowed + v.refused]),
      );
      const signals = t.breachSignals
        .map(
          (s) =>
            `<li>${escape(s.id)} ${escape(s.kind)} — deadline ${escape(s.deadline)}: <strong>${s.metDeadline === 'open' ? 'open' : s.metDeadline ? 'met' : 'MISSED'}</strong></li>`,
        )
        .join('');
      return `<section><h2>Tenant ${escape(t.tenant)}</h2>${bars('Processing per purpose', t.processingPerPurpose)}${bars('Blocks per category', t.blocksPerCategory)}${bars('Exceptions used', t.exceptionsUsed)}${bars('Transfers per subprocessor', transfers)}${bars('Subject requests', t.subjectRequests)}<h3>Breach signals</h3>${signals === '' ? '<p>none</p>' : `<ul>${signals}</ul>`}</section>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dpa-guard audit report ${escape(report.from)} – ${escape(report.to)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222}table{border-collapse:collapse;width:100%}th{text-align:left;font-weight:normal;width:35%;padding:.2rem}td{padding:.2rem}.bar{background:#3b6ea5;height:.9rem}section{border-top:1px solid #ccc;margin-top:1.5rem}</style>
</head><body><h1>Audit report</h1><p>${escape(report.from)} – ${escape(report.to)}; ${String(report.records)} records; generated ${escape(report.generatedAt)}.</p>${sections}<h2>Security measures in force (clause 6)</h2><ul>${report.securityMeasures.map((m) => `<li>${escape(m)}</li>`).join('')}</ul></body></html>
`;
}

/** A detail of a record as text, when it is a string or a number. */
function detail(record: AuditRecord, key: string): string | undefined {
  const value = record.details?.[key];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}
