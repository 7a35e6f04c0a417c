import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import ajvErrors from 'ajv-errors';

/**
 * The published JSON Schema (2020-12) of policy documents, the same file editors use
 * through `@dpa-guard/sdk/policy.schema.json`. Read relative to this module so it works
 * from the sources and from `dist/` alike.
 */
export const policySchema = JSON.parse(
  readFileSync(new URL('../../policy.schema.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

let compiled: ValidateFunction | undefined;

/** The schema compiled once, on first use, and kept (compiling costs milliseconds). */
export function policyValidator(): ValidateFunction {
  if (compiled === undefined) {
    // allErrors: report every mistake in one run (and ajv-errors needs it);
    // verbose: errors carry their schema, so a typo can be matched to the known names;
    // useDefaults off: defaults come from the layering, so explain can name their source.
    const ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
      verbose: true,
    });
    ajvErrors.default(ajv);
    compiled = ajv.compile(policySchema);
  }
  return compiled;
}

export type SchemaError = ErrorObject;
