import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { colorEnabled } from '../../../src/dashboard/run-dashboard.js';

/** Follow static imports from a file; dynamic `import()` is not followed (it is the point). */
function staticImports(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)) {
    const spec = m[1] as string;
    if (!spec.startsWith('.')) {
      seen.add(spec);
      continue;
    }
    const base = resolve(dirname(file), spec.replace(/\.js$/, ''));
    for (const ext of ['.ts', '.tsx']) {
      try {
        readFileSync(base + ext);
        staticImports(base + ext, seen);
        break;
      } catch {
        // try the next extension
      }
    }
  }
  return seen;
}

describe('the TTY boundary', () => {
  it('the CLI command and the non-TTY path never load ink or react', () => {
    for (const entry of ['../../../src/cli/commands/dashboard.ts', '../../../src/dashboard/run-dashboard.ts']) {
      const graph = staticImports(resolve(import.meta.dirname, entry));
      expect([...graph].filter((m) => m === 'ink' || m === 'react' || m.startsWith('ink-') || m.startsWith('react/'))).toEqual([]);
    }
  });

  it('the app itself does use them (the check above can see them)', () => {
    expect(staticImports(resolve(import.meta.dirname, '../../../src/dashboard/app.tsx')).has('ink')).toBe(true);
  });

  it('NO_COLOR (non-empty) and TERM=dumb turn colour off', () => {
    expect(colorEnabled({})).toBe(true);
    expect(colorEnabled({ NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ TERM: 'dumb' })).toBe(false);
  });
});

describe('dashboard under CI variables', () => {
  it('names the variable that would leave Ink blank, as is-in-ci decides', async () => {
    const { ciEnvironment } = await import('../../../src/dashboard/run-dashboard.js');
    expect(ciEnvironment({ CI: 'true' })).toBe('CI');
    expect(ciEnvironment({ CI: 'false' })).toBeNull();
    expect(ciEnvironment({ CI: '0', CONTINUOUS_INTEGRATION: '1' })).toBe('CONTINUOUS_INTEGRATION');
    expect(ciEnvironment({ HOME: '/root' })).toBeNull();
  });
});
