import type { Rng } from '../../src/domain/index.js';
import { CUSTOMER_COMPANIES, CUSTOMER_FIRST, CUSTOMER_LAST } from './company.js';
import { demoCase, system, user, type DemoCase } from './demo-case.js';
import { between, pick, token } from './pick.js';

const EXTRACTION_PERSONA =
  'You extract structured records from customer e-mails for Kestrel\u2019s billing operations team. ' +
  'Reply with one JSON object and nothing else, with exactly these fields: customer_name (string), company (string), account_id (string), ' +
  'plan ("hobby" | "pro" | "team" | "enterprise"), request ("refund" | "upgrade" | "downgrade" | "invoice_correction" | "cancellation"), ' +
  'amount (number, in the currency stated, or null), currency ("USD" | "EUR" | "GBP" | null), invoice_number (string or null), urgent (boolean).';

/** The JSON Schema every extraction answer must satisfy (also used by the json_schema assertion). */
export const TICKET_SCHEMA = {
  type: 'object',
  required: ['customer_name', 'company', 'account_id', 'plan', 'request', 'amount', 'currency', 'invoice_number', 'urgent'],
  additionalProperties: false,
  properties: {
    customer_name: { type: 'string', minLength: 1 },
    company: { type: 'string', minLength: 1 },
    account_id: { type: 'string', pattern: '^acct_[a-z0-9]{8}$' },
    plan: { enum: ['hobby', 'pro', 'team', 'enterprise'] },
    request: { enum: ['refund', 'upgrade', 'downgrade', 'invoice_correction', 'cancellation'] },
    amount: { type: ['number', 'null'] },
    currency: { enum: ['USD', 'EUR', 'GBP', null] },
    invoice_number: { type: ['string', 'null'] },
    urgent: { type: 'boolean' },
  },
} as const;

type Request = 'refund' | 'upgrade' | 'downgrade' | 'invoice_correction' | 'cancellation';
type Plan = 'hobby' | 'pro' | 'team' | 'enterprise';

interface Ticket {
  customer_name: string;
  company: string;
  account_id: string;
  plan: Plan;
  request: Request;
  amount: number | null;
  currency: 'USD' | 'EUR' | 'GBP' | null;
  invoice_number: string | null;
  urgent: boolean;
}

const SYMBOL = { USD: '$', EUR: '\u20ac', GBP: '\u00a3' } as const;
const PLAN_LABEL: Record<Plan, string> = { hobby: 'Hobby', pro: 'Pro', team: 'Team', enterprise: 'Enterprise' };

function money(amount: number, currency: 'USD' | 'EUR' | 'GBP'): string {
  return `${SYMBOL[currency]}${amount.toFixed(2)}`;
}

function email(t: Ticket, rng: Rng): string {
  const first = t.customer_name.split(' ')[0] ?? t.customer_name;
  const greeting = pick(rng, ['Hi Kestrel team,', 'Hello,', 'Dear Kestrel billing,', 'Hi there,']);
  const urgency = t.urgent ? pick(rng, ['This is urgent \u2014 our finance close is on Friday.', 'Please treat this as urgent, our card is about to be blocked.', 'We need this sorted today if at all possible.']) : pick(rng, ['No rush on this.', 'Whenever you get a chance.', 'Thanks in advance.']);
  const acct = `Our account ID is ${t.account_id} and we are on the ${PLAN_LABEL[t.plan]} plan.`;
  let body: string;
  switch (t.request) {
    case 'refund':
      body = `We were charged ${money(t.amount ?? 0, t.currency ?? 'USD')} on invoice ${t.invoice_number} for seats we had already removed. Could you refund that charge?`;
      break;
    case 'invoice_correction':
      body = `Invoice ${t.invoice_number} (${money(t.amount ?? 0, t.currency ?? 'USD')}) was issued to the wrong legal entity. Could you correct the company name on it to ${t.company}?`;
      break;
    case 'upgrade':
      body = `We would like to upgrade to the next plan up from the start of next month. Our budget for it is ${money(t.amount ?? 0, t.currency ?? 'USD')} per month.`;
      break;
    case 'downgrade':
      body = `The team got smaller, so we want to downgrade at the end of this billing period. No invoices to change.`;
      break;
    case 'cancellation':
      body = `We are moving our workloads in-house and need to cancel the subscription. Please confirm nothing else will be charged.`;
      break;
  }
  return `${greeting}\n\n${body} ${acct} ${urgency}\n\nBest,\n${first}\n${t.customer_name} \u00b7 ${t.company}`;
}

/** A plausible misreading: one field wrong, the way a weaker model gets it wrong. */
function misread(t: Ticket, rng: Rng): Record<string, unknown> {
  const w: Record<string, unknown> = { ...t };
  const flaws = [
    () => { w.amount = t.amount === null ? 0 : String(t.amount); },
    () => { w.plan = t.plan === 'team' ? 'pro' : 'team'; },
    () => { w.request = t.request === 'refund' ? 'invoice_correction' : 'refund'; },
    () => { delete w.invoice_number; w.invoice = t.invoice_number; },
    () => { w.urgent = t.urgent ? 'yes' : 'no'; },
  ];
  pick(rng, flaws)();
  return w;
}

export function extractionCases(rng: Rng, count: number): DemoCase[] {
  const cases: DemoCase[] = [];
  const requests: Request[] = ['refund', 'invoice_correction', 'upgrade', 'downgrade', 'cancellation'];
  for (let i = 0; i < count; i++) {
    const request = requests[i % requests.length] as Request;
    const currency = pick(rng, ['USD', 'USD', 'EUR', 'GBP'] as const);
    const withAmount = request === 'refund' || request === 'invoice_correction' || request === 'upgrade';
    const withInvoice = request === 'refund' || request === 'invoice_correction';
    const t: Ticket = {
      customer_name: `${pick(rng, CUSTOMER_FIRST)} ${pick(rng, CUSTOMER_LAST)}`,
      company: pick(rng, CUSTOMER_COMPANIES),
      account_id: `acct_${token(rng, 8)}`,
      plan: pick(rng, ['pro', 'team', 'team', 'enterprise'] as const),
      request,
      amount: withAmount ? between(rng, 40, 4800) + pick(rng, [0, 0.5, 0.99, 0.25]) : null,
      currency: withAmount ? currency : null,
      invoice_number: withInvoice ? `INV-${token(rng, 4).toUpperCase()}-${between(rng, 100, 999)}` : null,
      urgent: rng.next() < 0.35,
    };
    const correct = JSON.stringify(t);
    const wrong = JSON.stringify(misread(t, rng));
    // Small records also get an exact-equality check; the rest a subset check (both are real uses).
    const exactCheck = i % 4 === 0;
    cases.push(
      demoCase({
        id: `extraction-${String(i + 1).padStart(3, '0')}`,
        intent: 'extraction',
        messages: [system(EXTRACTION_PERSONA), user(email(t, rng))],
        metadata: { request_kind: t.request, project: 'billing-ops' },
        reference: correct,
        assertions: [
          { type: 'json_valid', weight: 0.5 },
          { type: 'json_schema', schema: TICKET_SCHEMA as unknown as Record<string, unknown>, weight: 1 },
          exactCheck ? { type: 'json_equal', value: t, weight: 2 } : { type: 'json_subset', value: t, weight: 2 },
        ],
        correct,
        wrong,
      }),
    );
  }
  return cases;
}
