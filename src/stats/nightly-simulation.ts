import type { Rng } from '../domain/rng.js';
import { createRng } from '../domain/rng.js';
import type { Night, NightRow } from './regression.js';

/** One simulated model: its mean quality per segment, latency, error rate and price (as in datasets/demo/fleet.yaml). */
export interface SimModel {
  name: string;
  quality: Readonly<Record<string, number>>;
  latency: { median: number; p95: number };
  errorRate: number;
  /** USD per case on average. */
  cost: number;
}

/** Four models and three segments of the demo fleet (datasets/demo/fleet.yaml), rounded. */
export const DEMO_SIM_FLEET: readonly SimModel[] = [
  {
    name: 'sim/atlas-large',
    quality: { support: 0.93, coding: 0.88, arithmetic: 0.86 },
    latency: { median: 1400, p95: 3800 },
    errorRate: 0.035,
    cost: 0.0025,
  },
  {
    name: 'sim/atlas-mini',
    quality: { support: 0.92, coding: 0.48, arithmetic: 0.42 },
    latency: { median: 620, p95: 1500 },
    errorRate: 0.03,
    cost: 0.00012,
  },
  {
    name: 'sim/forge-coder',
    quality: { support: 0.66, coding: 0.95, arithmetic: 0.87 },
    latency: { median: 1100, p95: 2900 },
    errorRate: 0.035,
    cost: 0.0011,
  },
  {
    name: 'sim/sage-reasoner',
    quality: { support: 0.82, coding: 0.93, arithmetic: 0.98 },
    latency: { median: 4200, p95: 11000 },
    errorRate: 0.06,
    cost: 0.016,
  },
];

export interface SimulationSpec {
  seed: string | number;
  nights: number;
  casesPerSegment: number;
  fleet?: readonly SimModel[];
  /** From this night on (1-based), this model's quality on this segment drops by `by`. */
  degrade?: { model: string; segment: string; fromNight: number; by: number };
}

/**
 * Nightly outcomes of a fleet over one golden set (the same cases every night): each (case, model)
 * has a latent quality around the model's segment mean (case difficulty), and each night's graded
 * score scatters around it (sampling); calls fail at the model's error rate (score 0); latency is
 * log-normal from median and p95; cost scatters ±20%. Pure and seeded.
 */
export function simulateNights(spec: SimulationSpec): Night[] {
  const fleet = spec.fleet ?? DEMO_SIM_FLEET;
  const root = createRng(spec.seed);
  const segments = [...new Set(fleet.flatMap((m) => Object.keys(m.quality)))].sort();
  const cases = segments.flatMap((segment) => Array.from({ length: spec.casesPerSegment }, (_, i) => ({ id: `${segment}-${i}`, segment })));
  const latentRng = root.fork('latent');
  const latent = new Map<string, number>();
  for (const c of cases)
    for (const m of fleet) latent.set(`${c.id}\u0000${m.name}`, clamp((m.quality[c.segment] ?? 0.5) + 0.15 * gauss(latentRng), 0.02, 0.98));
  const nights: Night[] = [];
  for (let night = 1; night <= spec.nights; night++) {
    const rng = root.fork(`night-${night}`);
    const rows: NightRow[] = [];
    for (const c of cases) {
      for (const m of fleet) {
        const d = spec.degrade;
        const drop = d && d.model === m.name && d.segment === c.segment && night >= d.fromNight ? d.by : 0;
        const failed = rng.next() < m.errorRate;
        const score = clamp((latent.get(`${c.id}\u0000${m.name}`) ?? 0.5) - drop + 0.08 * gauss(rng), 0, 1);
        const sigma = Math.log(m.latency.p95 / m.latency.median) / 1.6448536269514722;
        rows.push({
          case_id: c.id,
          model: m.name,
          segment: c.segment,
          quality: failed ? 0 : score,
          error: failed ? 1 : 0,
          cost: failed ? 0 : m.cost * (0.8 + 0.4 * rng.next()),
          latency: m.latency.median * Math.exp(sigma * gauss(rng)),
        });
      }
    }
    nights.push({ run_id: `sim-night-${night}`, rows });
  }
  return nights;
}

function gauss(rng: Rng): number {
  // Box–Muller; 1 − u keeps the log away from 0.
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
