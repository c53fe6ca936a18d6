/**
 * Child process of gateway.bench.ts: a gateway on its own event loop, from the compiled build in
 * dist/ as `routelab serve` runs (not through tsx, whose keep-names transform adds a defineProperty
 * to every closure the request path creates),
 * over an in-memory PGlite store (or BENCH_DATABASE_URL) holding one catalog model at BENCH_UPSTREAM and a single-target policy.
 * Prints one line, the gateway's URL, then serves until stdin closes.
 */
import { startGateway } from '../../dist/src/gateway/gateway.js';
import { openStore } from '../../dist/src/store/db.js';
import { upsertModels } from '../../dist/src/store/repos/catalog-repo.js';
import { addPolicyVersion } from '../../dist/src/store/repos/policy-repo.js';

// BENCH_DATABASE_URL: a Postgres store, as a deployment behind a load balancer would use.
const store = await openStore(process.env.BENCH_DATABASE_URL ? { url: process.env.BENCH_DATABASE_URL, max: 4 } : { dataDir: 'memory://' });
await upsertModels(store.db, [
  {
    name: 'bench/echo',
    base_url: process.env.BENCH_UPSTREAM,
    api_key_env: null,
    price: { input_per_m: 1, output_per_m: 1 },
    context_window: null,
    concurrency: 1024,
    rate_limit_rpm: null,
    simulated: null,
  },
]);
await addPolicyVersion(
  store.db,
  {
    spec_version: 'v1',
    kind: 'model',
    name: 'bench',
    policy: { strategy: { mode: 'fallback' }, retry: { attempts: 1 }, targets: [{ model_name: 'bench/echo' }] },
  },
  { sourceFormat: 'watsonx', origin: 'add' },
);
const gateway = await startGateway({ store, env: {}, port: 0, allowAnonymous: true, logTraffic: process.env.BENCH_LOG !== '0' });
process.stdout.write(`${gateway.url}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void gateway
    .close(1000)
    // What the traffic log wrote and dropped (a log worker starved of CPU drops records, counted).
    .then(() => process.stderr.write(`traffic log ${JSON.stringify(gateway.trafficLog?.stats() ?? null)}\n`))
    .then(() => store.close())
    .then(() => process.exit(0));
});
