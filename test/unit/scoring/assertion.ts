import { Assertion } from '../../../src/domain/golden-case.js';

/** An assertion as a golden file would give it: through the schema, so defaults apply. */
export function assertion<T extends Assertion['type']>(spec: { type: T } & Record<string, unknown>): Extract<Assertion, { type: T }> {
  return Assertion.parse(spec) as Extract<Assertion, { type: T }>;
}
