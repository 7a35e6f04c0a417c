import { normalise } from './normalise.js';

/**
 * Sexual orientation revealed by a relationship: a writer whose gender a field of the same
 * body gives ("geslacht": "man") who speaks of a partner of the same gender ("mijn man",
 * "my wife", "mijn vriend en ik gaan trouwen"). Both halves are needed; neither alone says
 * anything about orientation.
 */
export type Gender = 'male' | 'female';

const MALE = /^(?:m|man|male|heer|dhr|de heer|mr|mister|jongen)\.?$/;
const FEMALE = /^(?:v|f|vrouw|female|mevrouw|mevr|mw|ms|mrs|miss|meisje)\.?$/;

/** The writer's gender from a gender field's value, when it says one plainly. */
export function genderOfValue(raw: string): Gender | undefined {
  const value = normalise(raw).text.trim();
  if (MALE.test(value)) return 'male';
  if (FEMALE.test(value)) return 'female';
  return undefined;
}

// "vriend"/"vriendin" is also just a friend: it counts as a partner only next to words
// of a relationship.
const RELATIONSHIP =
  '(?:trouwen|getrouwd|bruiloft|verloofd|samenwonen|samenwonend|relatie|partner|zwanger|kinderwens|married|wedding|engaged)';
const PARTNER: Record<Gender, RegExp> = {
  male: new RegExp(
    `\\b(?:mijn (?:man|echtgenoot)|my (?:husband|boyfriend))\\b|\\bmijn vriend\\b(?=[^.!?]{0,80}\\b${RELATIONSHIP})|\\b${RELATIONSHIP}\\b[^.!?]{0,80}\\bmijn vriend\\b(?!in)`,
  ),
  female: new RegExp(
    `\\b(?:mijn (?:vrouw|echtgenote)|my (?:wife|girlfriend))\\b|\\bmijn vriendin\\b(?=[^.!?]{0,80}\\b${RELATIONSHIP})|\\b${RELATIONSHIP}\\b[^.!?]{0,80}\\bmijn vriendin\\b`,
  ),
};

/** Whether the writer's own text names a partner of the given gender. */
export function namesPartner(raw: string, gender: Gender): boolean {
  return PARTNER[gender].test(normalise(raw).text);
}
