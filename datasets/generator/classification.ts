import { demoCase, system, user, type DemoCase } from './demo-case.js';

const TRIAGE_PERSONA =
  'You route incoming Kestrel support tickets. Categories: A) Billing and invoices B) Technical issue with deployments, builds or databases C) Account access and security D) Feature request. Reply with the letter of the single best category only.';

const PRIORITY_PERSONA =
  'You set the priority of Kestrel support tickets. Reply with exactly one word: urgent (production down, data loss or security), normal (something broken with a workaround, billing questions) or low (questions, feedback, feature ideas).';

const TRIAGE: Array<[letter: 'A' | 'B' | 'C' | 'D', confusedWith: 'A' | 'B' | 'C' | 'D', text: string]> = [
  ['A', 'C', 'Our card was declined and now the dashboard says the account is past due. We updated the card but the invoice still shows unpaid.'],
  ['A', 'D', 'Could you add our PO number to the October invoice? Our procurement rejects invoices without it.'],
  ['A', 'B', 'We got charged for 3,400 build minutes but the usage page shows 2,100. Which number is right?'],
  ['A', 'C', 'I see two charges of $45 on the same day for the Team plan. Is one of them a duplicate?'],
  ['A', 'D', 'Is there a way to get one invoice for all three of our organisations instead of three?'],
  ['A', 'B', 'Bandwidth overage on our bill is way higher than last month, but traffic was flat. Can someone look?'],
  ['B', 'A', 'Deploys have been stuck on "Building" for 40 minutes since the last push, nothing in the logs after npm ci.'],
  ['B', 'C', 'Our Postgres connection count is pinned at the max and new connections fail with "too many clients".'],
  ['B', 'D', 'After moving to eu-west the app returns 502 on every request, health check is green though.'],
  ['B', 'A', 'The custom domain shows a certificate error on www but the apex works fine.'],
  ['B', 'C', 'Cron jobs stopped running at midnight UTC yesterday, no config change on our side.'],
  ['B', 'D', 'Build fails with "ENOSPC: no space left on device" when installing dependencies.'],
  ['C', 'B', 'I got an e-mail about a new sign-in from a country I have never been to. Was my account compromised?'],
  ['C', 'A', 'Our owner left the company and nobody can change billing or members now. How do we regain control?'],
  ['C', 'B', 'SSO login loops back to the sign-in page after the Okta redirect for everyone on our team.'],
  ['C', 'D', 'I lost my 2FA device and the recovery codes are in a password manager I cannot open either.'],
  ['C', 'B', 'An API token was accidentally pushed to a public GitHub repo. How do we revoke it right now?'],
  ['C', 'A', 'A former contractor still appears in our members list and we cannot remove him.'],
  ['D', 'B', 'Would love to see per-branch preview databases, seeded from production snapshots.'],
  ['D', 'A', 'Please support paying with ACH debit; cards are a pain for our finance team.'],
  ['D', 'C', 'Can you add audit logs for who changed environment variables and when?'],
  ['D', 'B', 'It would be great if the CLI could tail logs from several services at once.'],
  ['D', 'C', 'Any plans for role-based access where a developer can deploy but not see secrets?'],
  ['D', 'A', 'Suggestion: show the projected end-of-month bill on the usage page.'],
];

const PRIORITY: Array<[label: 'urgent' | 'normal' | 'low', confusedWith: 'urgent' | 'normal' | 'low', text: string]> = [
  ['urgent', 'normal', 'Production is down for all users since 09:12 UTC, every request returns 503.'],
  ['urgent', 'normal', 'We think someone used a leaked token to delete two of our databases.'],
  ['urgent', 'low', 'Checkout on our store has been failing for 20 minutes, we are losing orders.'],
  ['urgent', 'normal', 'The latest restore overwrote today\u2019s data, we need the earlier backup back now.'],
  ['normal', 'urgent', 'Preview deployments fail to build but production is fine; we redeploy manually for now.'],
  ['normal', 'low', 'Our invoice has the wrong VAT number on it, can it be corrected?'],
  ['normal', 'urgent', 'Logs in the dashboard are delayed by about ten minutes today.'],
  ['normal', 'low', 'The CLI crashes on `kestrel env pull` but copying the values from the web UI works.'],
  ['low', 'normal', 'What is the difference between the Pro and Team plans for a four-person startup?'],
  ['low', 'normal', 'Love the new dashboard! Small thing: the dark mode contrast on charts is low.'],
  ['low', 'urgent', 'Is there a roadmap for ARM build machines?'],
  ['low', 'normal', 'Do you have any guides for deploying a Django app with Celery workers?'],
];

export function classificationCases(): DemoCase[] {
  const cases: DemoCase[] = [];
  TRIAGE.forEach(([letter, confused, text], i) => {
    cases.push(
      demoCase({
        id: `classification-triage-${String(i + 1).padStart(2, '0')}`,
        intent: 'classification',
        messages: [system(TRIAGE_PERSONA), user(`Ticket: ${text}`)],
        metadata: { task: 'triage', label: letter, project: 'ticket-triage' },
        reference: letter,
        assertions: [{ type: 'multiple_choice', value: letter, weight: 1 }],
        correct: letter,
        wrong: confused,
      }),
    );
  });
  PRIORITY.forEach(([label, confused, text], i) => {
    const capitalised = `${label[0]?.toUpperCase()}${label.slice(1)}.`;
    cases.push(
      demoCase({
        id: `classification-priority-${String(i + 1).padStart(2, '0')}`,
        intent: 'classification',
        messages: [system(PRIORITY_PERSONA), user(text)],
        metadata: { task: 'priority', label, project: 'ticket-triage' },
        reference: label,
        // Half exact (the strict parser downstream), half normalized (case and punctuation forgiven).
        assertions: i % 2 === 0 ? [{ type: 'exact', value: label, weight: 1 }] : [{ type: 'normalized', value: label, weight: 1 }],
        correct: i % 2 === 0 ? label : capitalised,
        wrong: i % 2 === 0 ? confused : `${confused[0]?.toUpperCase()}${confused.slice(1)}.`,
      }),
    );
  });
  return cases;
}
