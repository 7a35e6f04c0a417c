import { readDataFile } from '../detect/data.js';

/** A condition an adequacy decision puts on the recipient. */
export type AdequacyCondition = 'none' | 'commercial' | 'dpf';

export interface AdequacyDecision {
  /** ISO 3166-1 alpha-2, or absent for an international organisation. */
  country?: string;
  /** For an international organisation: its id ("epo"). */
  organisation?: string;
  name: string;
  decision: string;
  /** ISO date the decision was adopted; transfers before it are not covered. */
  adopted: string;
  /** ISO date after which the decision no longer covers transfers. */
  expires?: string;
  condition: AdequacyCondition;
  scope?: string;
}

interface RegionFile {
  version: string;
  aliases: Record<string, string>;
  eea: Record<string, string>;
  adequacy: AdequacyDecision[];
}

/** What the recipient declares, for decisions with a condition. */
export interface RecipientFacts {
  /** Canada, Japan: a commercial/private-sector organisation, or a public body. */
  sector?: 'commercial' | 'public' | undefined;
  /** United States: certified under the EU-US Data Privacy Framework. */
  dpfCertified?: boolean | undefined;
  /** For country "INT": the international organisation's id. */
  organisation?: string | undefined;
}

/** How a destination stands on a date, before any art. 46 safeguard is considered. */
export type RegionStanding =
  | { basis: 'eea'; country: string; name: string }
  | { basis: 'adequacy'; country: string; name: string; decision: AdequacyDecision }
  | {
      basis: 'none';
      country: string;
      /** Why the adequacy decision does not cover this transfer, when there is one. */
      reason?: 'adequacy-expired' | 'adequacy-not-yet' | 'dpf-not-certified' | 'sector-not-covered';
      decision?: AdequacyDecision;
    };

let data: RegionFile | undefined;

/** The shipped region data (EEA and adequacy decisions), read once. */
export function regionData(): RegionFile {
  data ??= readDataFile<RegionFile>('regions.json');
  return data;
}

/** "el" → "GR", "uk" → "GB": the EU's own style and common slips, to ISO 3166-1. */
export function normaliseCountry(code: string): string {
  const upper = code.trim().toUpperCase();
  return regionData().aliases[upper] ?? upper;
}

/**
 * Whether personal data may go to `country` on the date `at` (YYYY-MM-DD) without an
 * art. 46 safeguard: inside the EEA, or covered by an adequacy decision in force on that
 * date whose condition the recipient meets.
 */
export function standingOf(
  country: string,
  at: string,
  facts: RecipientFacts = {},
): RegionStanding {
  const regions = regionData();
  const code = normaliseCountry(country);
  const eeaName = regions.eea[code];
  if (eeaName !== undefined) return { basis: 'eea', country: code, name: eeaName };
  const decisions = regions.adequacy.filter((d) =>
    code === 'INT'
      ? d.organisation !== undefined && d.organisation === facts.organisation
      : d.country === code,
  );
  let miss: RegionStanding | undefined;
  for (const decision of decisions) {
    const name = decision.name;
    if (at < decision.adopted) {
      miss ??= { basis: 'none', country: code, reason: 'adequacy-not-yet', decision };
      continue;
    }
    if (decision.expires !== undefined && at > decision.expires) {
      miss = { basis: 'none', country: code, reason: 'adequacy-expired', decision };
      continue;
    }
    if (decision.condition === 'dpf' && facts.dpfCertified !== true)
      return { basis: 'none', country: code, reason: 'dpf-not-certified', decision };
    if (decision.condition === 'commercial' && facts.sector !== 'commercial')
      return { basis: 'none', country: code, reason: 'sector-not-covered', decision };
    return { basis: 'adequacy', country: code, name, decision };
  }
  return miss ?? { basis: 'none', country: code };
}
