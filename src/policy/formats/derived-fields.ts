import type { Condition } from '../../domain/policy-spec.js';
import type { Path } from './format.js';

/**
 * Where a condition names a request field routelab derives at routing time (`input.text`,
 * `input.has_code`, … — domain/request-input.ts): gateways that only see metadata and params
 * cannot evaluate these, so their exporters refuse each one by its path.
 */
export function derivedFieldPaths(when: Condition, at: Path): Path[] {
  const out: Path[] = [];
  for (const [key, value] of Object.entries(when)) {
    if ((key === '$and' || key === '$or') && Array.isArray(value)) {
      value.forEach((sub, i) => {
        if (sub !== null && typeof sub === 'object' && !Array.isArray(sub))
          out.push(...derivedFieldPaths(sub as Condition, [...at, key, i]));
      });
    } else if (key === 'input' || key.startsWith('input.')) out.push([...at, key]);
  }
  return out;
}
