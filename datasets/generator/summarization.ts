import type { Rng } from '../../src/domain/index.js';
import { CUSTOMER_COMPANIES } from './company.js';
import { demoCase, system, user, type AssertionInput, type DemoCase } from './demo-case.js';
import { JUDGE_MODEL } from './fleet.js';
import { between, pick } from './pick.js';

const SUMMARY_PERSONA =
  'You write incident summaries for Kestrel\u2019s status page and customer e-mails. Summarise the timeline in at most 60 words: what was affected, where, for how long, the cause and the fix. No speculation.';

const SERVICES = ['build pipeline', 'managed Postgres', 'edge router', 'log ingestion', 'deploy API', 'object storage gateway'];
const REGIONS = ['us-east', 'eu-west', 'ap-south'];
const CAUSES: Array<[cause: string, fix: string]> = [
  ['an expired internal TLS certificate', 'rotated the certificate and added an expiry alert'],
  ['a configuration change that halved the connection pool', 'rolled the change back'],
  ['a full disk on the primary storage node', 'expanded the volume and cleaned up old snapshots'],
  ['a bad kernel update on the build hosts', 'pinned the previous kernel and rebuilt the hosts'],
  ['a DNS provider outage', 'failed over to the secondary DNS provider'],
  ['a runaway migration that locked a shared table', 'cancelled the migration and added a lock timeout'],
];

export function summarizationCases(rng: Rng, count: number): DemoCase[] {
  const cases: DemoCase[] = [];
  for (let i = 0; i < count; i++) {
    const service = SERVICES[i % SERVICES.length] as string;
    const region = pick(rng, REGIONS);
    const [cause, fix] = CAUSES[(i + Math.floor(i / SERVICES.length)) % CAUSES.length] as [string, string];
    const startH = between(rng, 0, 20);
    const startM = between(rng, 0, 5) * 10;
    const minutes = between(rng, 3, 16) * 5;
    const end = startH * 60 + startM + minutes;
    const hhmm = (m: number) => `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const customer = pick(rng, CUSTOMER_COMPANIES);
    const timeline = [
      `${hhmm(startH * 60 + startM)} UTC \u2014 Alerts fire: error rate on the ${service} in ${region} above 20%.`,
      `${hhmm(startH * 60 + startM + 4)} UTC \u2014 On-call acknowledges; customers including ${customer} report failures.`,
      `${hhmm(startH * 60 + startM + Math.floor(minutes / 2))} UTC \u2014 Root cause identified: ${cause}.`,
      `${hhmm(end - 3)} UTC \u2014 Engineers ${fix}.`,
      `${hhmm(end)} UTC \u2014 Error rate back to normal; incident resolved. Other regions were not affected.`,
    ].join('\n');
    const duration = `${minutes} minutes`;
    const reference = `The ${service} in ${region} failed for ${duration} (${hhmm(startH * 60 + startM)}\u2013${hhmm(end)} UTC) because of ${cause}. Engineers ${fix}, and service recovered; other regions were not affected.`;
    const wrong = `Some customers saw errors today. Our engineers investigated a problem with one of our services and took steps to fix it. We apologise for the inconvenience and will share more details soon in a post-mortem blog post covering what we learned and the follow-up work.`;
    const overlap: AssertionInput = i % 3 === 2 ? { type: 'token_f1', threshold: 0.5, weight: 1 } : { type: 'rouge_l', threshold: 0.5, weight: 1 };
    const assertions: AssertionInput[] = [
      overlap,
      { type: 'contains', values: [region, duration], mode: 'all', case_sensitive: false, weight: 1 },
      { type: 'length', max: 60, unit: 'words', weight: 0.5 },
    ];
    if (i % 4 === 0) assertions.push({ type: 'judge', mode: 'rubric', rubric: 'The summary names the affected service, region, duration, cause and fix, matches the timeline exactly and speculates about nothing.', model: JUDGE_MODEL, weight: 1 });
    cases.push(
      demoCase({
        id: `summarization-${String(i + 1).padStart(3, '0')}`,
        intent: 'summarization',
        messages: [system(SUMMARY_PERSONA), user(`Incident timeline:\n${timeline}`)],
        metadata: { service, region, project: 'incident-desk' },
        reference,
        assertions,
        correct: reference,
        wrong,
      }),
    );
  }
  return cases;
}
