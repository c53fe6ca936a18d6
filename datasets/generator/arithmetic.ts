import type { Rng } from '../../src/domain/index.js';
import { demoCase, system, user, type DemoCase } from './demo-case.js';
import { between, pick } from './pick.js';

const MATH_PERSONA =
  'You are Kestrel\u2019s billing assistant. Work through the calculation step by step, then give the final figure on the last line as "Answer: <number>" without currency symbols or thousands separators.';

interface Problem {
  kind: string;
  question: string;
  answer: number;
  steps: string;
  /** The plausible mistake: a step forgotten or misapplied. */
  wrongAnswer: number;
  wrongSteps: string;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

const GENERATORS: Array<(rng: Rng) => Problem> = [
  (rng) => {
    const seats = between(rng, 3, 40);
    const price = pick(rng, [20, 45]);
    const discount = pick(rng, [10, 15, 20]);
    const yearly = round2(seats * price * 12 * (1 - discount / 100));
    return {
      kind: 'annual-seats',
      question: `We have ${seats} seats on the ${price === 20 ? 'Pro' : 'Team'} plan at $${price} per seat per month. If we switch to annual billing with a ${discount}% discount, what do we pay for the year?`,
      answer: yearly,
      steps: `${seats} \u00d7 $${price} \u00d7 12 = $${fmt(seats * price * 12)}; minus ${discount}% = $${fmt(yearly)}.`,
      wrongAnswer: seats * price * 12,
      wrongSteps: `${seats} \u00d7 $${price} \u00d7 12 = $${fmt(seats * price * 12)}.`,
    };
  },
  (rng) => {
    const used = between(rng, 140, 900);
    const included = pick(rng, [100, 500]);
    const rate = 0.08;
    const overage = round2(Math.max(0, used - included) * rate);
    return {
      kind: 'bandwidth-overage',
      question: `Our plan includes ${included} GB of bandwidth and extra GB cost $0.08 each. We used ${used} GB this month. How much is the overage charge in dollars?`,
      answer: overage,
      steps: `${used} \u2212 ${included} = ${used - included} GB over; ${used - included} \u00d7 $0.08 = $${fmt(overage)}.`,
      wrongAnswer: round2(used * rate),
      wrongSteps: `${used} \u00d7 $0.08 = $${fmt(round2(used * rate))}.`,
    };
  },
  (rng) => {
    const price = pick(rng, [20, 45]);
    const seats = between(rng, 1, 6);
    const day = between(rng, 5, 25);
    const remaining = 30 - day;
    const prorated = round2((seats * price * remaining) / 30);
    return {
      kind: 'proration',
      question: `We add ${seats} seat${seats > 1 ? 's' : ''} at $${price}/month on day ${day} of a 30-day billing period. What is the prorated charge for the rest of this period?`,
      answer: prorated,
      steps: `${30} \u2212 ${day} = ${remaining} days left; ${seats} \u00d7 $${price} \u00d7 ${remaining}/30 = $${fmt(prorated)}.`,
      wrongAnswer: seats * price,
      wrongSteps: `${seats} \u00d7 $${price} = $${fmt(seats * price)} for the month.`,
    };
  },
  (rng) => {
    const minutes = between(rng, 3200, 9000);
    const included = 3000;
    const cost = round2((minutes - included) * 0.005);
    return {
      kind: 'build-minutes',
      question: `Pro includes 3000 build minutes a month and extra minutes cost $0.005 each. Our pipelines used ${minutes} minutes. What do the extra minutes cost?`,
      answer: cost,
      steps: `${minutes} \u2212 3000 = ${minutes - included} extra minutes; \u00d7 $0.005 = $${fmt(cost)}.`,
      wrongAnswer: round2(minutes * 0.005),
      wrongSteps: `${minutes} \u00d7 $0.005 = $${fmt(round2(minutes * 0.005))}.`,
    };
  },
  (rng) => {
    const before = between(rng, 800, 5000);
    const after = before + between(rng, -600, 1500);
    const pct = round2(((after - before) / before) * 100);
    return {
      kind: 'mom-change',
      question: `Our Kestrel bill was $${before} in September and $${after} in October. What is the month-over-month change in percent (rounded to two decimals)?`,
      answer: pct,
      steps: `(${after} \u2212 ${before}) / ${before} \u00d7 100 = ${fmt(pct)}%.`,
      wrongAnswer: round2(((after - before) / after) * 100),
      wrongSteps: `(${after} \u2212 ${before}) / ${after} \u00d7 100 = ${fmt(round2(((after - before) / after) * 100))}%.`,
    };
  },
  (rng) => {
    const downtime = between(rng, 30, 400);
    const minutesInMonth = 30 * 24 * 60;
    const uptime = round2(((minutesInMonth - downtime) / minutesInMonth) * 100);
    return {
      kind: 'uptime',
      question: `In a 30-day month our app was down for ${downtime} minutes in total. What was the uptime percentage, rounded to two decimals?`,
      answer: uptime,
      steps: `30 \u00d7 24 \u00d7 60 = ${minutesInMonth} minutes; (${minutesInMonth} \u2212 ${downtime}) / ${minutesInMonth} \u00d7 100 = ${fmt(uptime)}%.`,
      wrongAnswer: round2(((720 - downtime / 60) / 720) * 100 - 1),
      wrongSteps: `There are 720 hours, so uptime is about ${fmt(round2(((720 - downtime / 60) / 720) * 100 - 1))}% after rounding down for partial outages.`,
    };
  },
];

export function arithmeticCases(rng: Rng, count: number): DemoCase[] {
  const cases: DemoCase[] = [];
  for (let i = 0; i < count; i++) {
    const gen = GENERATORS[i % GENERATORS.length] as (r: Rng) => Problem;
    let p = gen(rng);
    // A mistake that lands on the right number is not a mistake; draw again.
    while (Math.abs(p.wrongAnswer - p.answer) < 0.5) p = gen(rng);
    const correct = `${p.steps}\nAnswer: ${fmt(p.answer)}`;
    const wrong = `${p.wrongSteps}\nAnswer: ${fmt(p.wrongAnswer)}`;
    cases.push(
      demoCase({
        id: `arithmetic-${String(i + 1).padStart(3, '0')}`,
        intent: 'arithmetic',
        messages: [system(MATH_PERSONA), user(p.question)],
        metadata: { problem: p.kind, project: 'billing-ops' },
        reference: fmt(p.answer),
        assertions: [{ type: 'numeric', value: p.answer, tolerance: 0.01, weight: 1 }],
        correct,
        wrong,
      }),
    );
  }
  return cases;
}
