import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CatalogEntry } from '../../../src/domain/catalog-entry.js';
import {
  createChatClient,
  loadFleet,
  parseAnswersText,
  parseFleetText,
  startFleetServer,
  type ChatClient,
} from '../../../src/providers/index.js';

const FLEET = fileURLToPath(new URL('../../fixtures/providers/fleet/fleet.yaml', import.meta.url));
const ANSWERS = fileURLToPath(new URL('../../fixtures/providers/fleet/answers.jsonl', import.meta.url));

function sim(name: string): CatalogEntry {
  return {
    name,
    base_url: null,
    api_key_env: null,
    price: { input_per_m: 1, output_per_m: 4 },
    context_window: null,
    concurrency: 4,
    rate_limit_rpm: null,
    simulated: { fleet: FLEET, answers: ANSWERS },
  };
}
const ask = (content: string) => ({ messages: [{ role: 'user', content }], params: {} });

describe('simulated fleet over loopback HTTP', () => {
  const clients: ChatClient[] = [];
  const open = () => {
    const c = createChatClient({ env: {} });
    clients.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('answers through the real client path, labelled simulated, with reported latency and cost', async () => {
    const r = await open().complete(sim('sim/steady'), ask('Write a python function that reverses a string.'));
    expect(r).toMatchObject({ status: 200, answered_by: 'sim/steady', simulated: true, output: 'def r(s):\n    return s[::-1]' });
    expect(r.latency_ms).toBeGreaterThan(0);
    expect(r.input_tokens).toBe(Math.ceil('Write a python function that reverses a string.'.length / 4));
    expect(r.cost_usd).toBeCloseTo(((r.input_tokens ?? 0) * 1 + (r.output_tokens ?? 0) * 4) / 1e6, 12);
  });

  it('gives the right answer with the segment quality and a plausible wrong one otherwise', async () => {
    const c = open();
    expect((await c.complete(sim('sim/steady'), ask('Can I get a refund after 20 days?'))).output).toBe(
      'No, refunds are only possible within 14 days.',
    );
    let correct = 0;
    for (let i = 0; i < 200; i++) {
      const r = await c.complete(sim('sim/steady'), ask(`Question ${i}: what is ${i} + ${i}?`));
      if (r.output === String(2 * i)) correct++;
      else expect(r.output).toBe(String(2 * i + 1));
    }
    // quality 0.7 on 200 cases: a binomial 99.9% interval is roughly 0.59..0.81.
    expect(correct / 200).toBeGreaterThan(0.59);
    expect(correct / 200).toBeLessThan(0.81);
  });

  it('answers an unknown input with a generic deterministic text', async () => {
    const c = open();
    const a = await c.complete(sim('sim/steady'), ask('Something nobody recorded'));
    const b = await c.complete(sim('sim/steady'), ask('Something nobody recorded'));
    expect(a.status).toBe(200);
    expect(a.output).toMatch(/simulated answer from sim\/steady/);
    expect(b.output).toBe(a.output);
  });

  it('fails per request with the configured statuses, lets a retry succeed, and stays right or wrong per case', async () => {
    const run = async () => {
      const c = open();
      const seen: Array<{ status: number; output: string | null }> = [];
      for (let attempt = 0; attempt < 12; attempt++) {
        const r = await c.complete(sim('sim/flaky'), ask('Question 3: what is 3 + 3?'));
        seen.push({ status: r.status, output: r.output });
      }
      await c.close();
      return seen;
    };
    const first = await run();
    const statuses = new Set(first.map((s) => s.status));
    expect(statuses.has(200)).toBe(true);
    expect([...statuses].some((s) => s !== 200)).toBe(true);
    expect([...statuses].every((s) => [200, 408, 429, 503].includes(s))).toBe(true);
    const answers = new Set(first.filter((s) => s.status === 200).map((s) => s.output));
    expect(answers.size).toBe(1);
    // A fresh server (new process) replays the same sequence from the seed.
    expect(await run()).toEqual(first);
  });

  it('draws from a caller-given attempt id regardless of how often the input was asked', async () => {
    const statusesFor = async (warmup: number) => {
      const c = open();
      for (let i = 0; i < warmup; i++) await c.complete(sim('sim/flaky'), ask('Question 5: what is 5 + 5?'));
      const out = [];
      for (const id of ['case-a#0', 'case-a#1', 'case-b#0', 'case-b#1', 'case-c#0'])
        out.push((await c.complete(sim('sim/flaky'), { ...ask('Question 5: what is 5 + 5?'), attempt_id: id })).status);
      await c.close();
      return out;
    };
    expect(await statusesFor(3)).toEqual(await statusesFor(0));
  });

  it('reports a simulated 429 with Retry-After and a simulated timeout without hanging', async () => {
    const c = open();
    const found = new Map<number, { kind?: string; retry?: number; latency: number }>();
    for (let i = 0; i < 200 && found.size < 2; i++) {
      const r = await c.complete(sim('sim/flaky'), ask(`Question ${i}: what is ${i} + ${i}?`));
      if ((r.status === 429 || r.status === 408) && !found.has(r.status))
        found.set(r.status, { kind: r.error?.kind, retry: r.error?.retry_after_ms, latency: r.latency_ms });
    }
    expect(found.get(429)).toMatchObject({ kind: 'rate_limited', retry: 1000 });
    expect(found.get(408)).toMatchObject({ kind: 'timeout', latency: 1800 });
  });

  it('refuses a model that is not in the fleet with a 404', async () => {
    const r = await open().complete(sim('sim/ghost'), ask('What is 7 * 8?'));
    expect(r).toMatchObject({
      status: 404,
      simulated: true,
      error: { kind: 'client', message: expect.stringContaining('not in the simulated fleet') },
    });
  });

  it('serves the OpenAI protocol to any client, with the simulated headers', async () => {
    const fleet = parseFleetText(readFileSync(FLEET, 'utf8'), FLEET);
    const answers = parseAnswersText(readFileSync(ANSWERS, 'utf8'), ANSWERS);
    if (!fleet.ok || !answers.ok) throw new Error('fixture does not parse');
    const server = await startFleetServer({ fleet: fleet.value, answers: answers.value });
    try {
      const res = await fetch(`${server.baseUrl}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'sim/steady', messages: [{ role: 'user', content: [{ type: 'text', text: 'What is 7 * 8?' }] }] }),
      });
      expect(res.headers.get('x-routelab-simulated')).toBe('true');
      expect(Number(res.headers.get('x-routelab-latency-ms'))).toBeGreaterThan(0);
      const body = (await res.json()) as { model: string; choices: Array<{ message: { content: string } }> };
      expect(body.model).toBe('sim/steady');
      expect(body.choices[0]?.message.content).toBe('7 * 8 = 56');
      const bad = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: 'not json' });
      expect(bad.status).toBe(400);
      const models = (await (await fetch(`${server.baseUrl}/models`)).json()) as { data: Array<{ id: string }> };
      expect(models.data.map((m) => m.id)).toEqual(['sim/steady', 'sim/flaky']);
    } finally {
      await server.close();
    }
  });

  it('shares one server per fleet among clients', async () => {
    const a = open();
    const b = open();
    const [ra, rb] = await Promise.all([
      a.complete(sim('sim/steady'), ask('What is 7 * 8?')),
      b.complete(sim('sim/steady'), ask('What is 7 * 8?')),
    ]);
    expect(ra.output).toBe(rb.output);
    expect(ra.status).toBe(200);
  });

  it('loads a fleet from files and names the line of a bad answer', async () => {
    const loaded = await loadFleet(FLEET, ANSWERS);
    expect(loaded.fleet.models).toHaveLength(2);
    expect(loaded.answers).toHaveLength(203);
    await expect(loadFleet(FLEET, FLEET)).rejects.toThrow(/line 1: not valid JSON/);
    await expect(loadFleet('/nonexistent/fleet.yaml', ANSWERS)).rejects.toThrow(/cannot read the simulated fleet file/);
  });
});
