import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../../src/cli/main.js';
import { createContext } from '../../../src/cli/context.js';
import { createTestDatabase } from '../../helpers/stores.js';

const F = (name: string) => join(import.meta.dirname, '../../fixtures/traffic', name);

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

/** Run the CLI as a user would, against a fresh Postgres database. */
describe('routelab traffic (CLI)', () => {
  let url = '';
  let drop: () => Promise<void> = async () => {};
  beforeAll(async () => {
    const dbase = await createTestDatabase();
    url = dbase.url;
    drop = dbase.drop;
  });
  afterAll(() => drop());

  async function run(...args: string[]) {
    const out = sink();
    const err = sink();
    const ctx = createContext({ env: { DATABASE_URL: url }, stdout: out.stream, stderr: err.stream });
    const code = await main(['node', 'routelab', ...args], ctx);
    return { code, stdout: out.text(), stderr: err.text() };
  }

  it('imports with --json printing only the summary on stdout', async () => {
    const r = await run('traffic', 'import', '--file', F('openai-batch-input.jsonl'), '--file', F('openai-batch-output.jsonl'), '--json');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ format: 'openai-batch', imported: 3, duplicates: 0, quarantined: [], redacted: 0, not_replayable: 0 });
  });

  it('says which format it detected and prints counts for people', async () => {
    const r = await run('traffic', 'import', '--file', F('litellm-spendlogs.jsonl'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('format: litellm (detected from content)');
    expect(r.stdout).toContain('imported 2 records (0 not replayable), 0 duplicates, 0 quarantined');
    expect(r.stdout.split('\n').every((l) => l.length <= 80)).toBe(true);
  });

  it('exits 2 naming the file when it cannot be read, or a bad pattern', async () => {
    const missing = await run('traffic', 'import', '--file', '/nonexistent/x.jsonl');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/x.jsonl');
    const badPattern = await run('traffic', 'import', '--file', F('openai-chat.jsonl'), '--redact-pattern', '(oops');
    expect(badPattern.code).toBe(2);
    expect(badPattern.stderr).toContain('(oops');
  });

  it('samples and prints strata; refuses a sample without --size or --rate', async () => {
    await run('traffic', 'import', '--file', F('openai-chat.jsonl'));
    const r = await run('traffic', 'sample', '--name', 'nightly', '--size', '4', '--stratify-by', 'intent', '--seed', '7');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/sample "nightly": 4 of 7 records, rate 57\.1%, seed "7"/);
    expect(r.stdout).toMatch(/stratum\s+replayable\s+sampled/);
    const j = await run('traffic', 'sample', '--name', 'again', '--rate', '0.5', '--json');
    expect(JSON.parse(j.stdout)).toMatchObject({ name: 'again', size: 4, seed: 'again' });
    const bad = await run('traffic', 'sample', '--name', 'x');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--size and --rate/);
  });
});
