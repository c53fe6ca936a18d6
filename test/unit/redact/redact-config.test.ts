import { describe, expect, it } from 'vitest';
import { parseRedactConfig } from '../../../src/redact/redact-config.js';
import { createRedactor } from '../../../src/redact/redact-text.js';

describe('parseRedactConfig', () => {
  it('reads plain and named patterns that the redactor then applies', () => {
    const patterns = parseRedactConfig("patterns:\n  - 'ACME-\\d{6}'\n  - { name: ticket, pattern: 'T-\\d+' }\n", 'redact.yaml');
    expect(createRedactor(patterns)('ACME-123456 T-9').text).toBe('[REDACTED:custom] [REDACTED:ticket]');
  });

  it('names the file and field of a bad config', () => {
    expect(() => parseRedactConfig('patterns: [{ name: x }]', '.routelab/redact.yaml')).toThrow(/\.routelab\/redact\.yaml.*patterns\.0/s);
    expect(() => parseRedactConfig('patterns: [', 'r.yaml')).toThrow(/r\.yaml: not valid YAML/);
  });
});
