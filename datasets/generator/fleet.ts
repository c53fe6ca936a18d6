import type { Intent } from './demo-case.js';

/** One simulated model as written to fleet.yaml (the providers' FleetModel shape). */
export interface FleetModelSpec {
  name: string;
  quality: Partial<Record<Intent | 'default' | 'judge', number>>;
  latency_ms: { median: number; p95: number };
  output_tokens: { mean: number };
  errors: Record<string, number>;
  price: { input_per_m: number; output_per_m: number };
  context_window: number;
  concurrency: number;
  rate_limit_rpm: number;
}

/** The model that grades `judge` assertions; it answers only judge prompts and never fails. */
export const JUDGE_MODEL = 'sim/judge-large';

/**
 * Qualities differ by intent so that a cheaper mix exists: atlas-mini is as good as atlas-large
 * on support and classification at a sixteenth of the price, forge-coder wins coding, and
 * sage-reasoner is the best at arithmetic but the most expensive and slowest by far.
 */
export const FLEET: FleetModelSpec[] = [
  {
    name: 'sim/atlas-large',
    quality: { default: 0.9, support: 0.93, coding: 0.88, extraction: 0.94, arithmetic: 0.86, classification: 0.94, summarization: 0.92 },
    latency_ms: { median: 1400, p95: 3800 }, output_tokens: { mean: 220 },
    errors: { '429': 0.02, '503': 0.01, '408': 0.005 },
    price: { input_per_m: 2.5, output_per_m: 10 }, context_window: 128000, concurrency: 16, rate_limit_rpm: 3000,
  },
  {
    name: 'sim/atlas-mini',
    quality: { default: 0.7, support: 0.92, coding: 0.48, extraction: 0.8, arithmetic: 0.42, classification: 0.93, summarization: 0.83 },
    latency_ms: { median: 620, p95: 1500 }, output_tokens: { mean: 180 },
    errors: { '429': 0.02, '503': 0.008, '408': 0.002 },
    price: { input_per_m: 0.15, output_per_m: 0.6 }, context_window: 128000, concurrency: 32, rate_limit_rpm: 10000,
  },
  {
    name: 'sim/forge-coder',
    quality: { default: 0.75, support: 0.66, coding: 0.95, extraction: 0.87, arithmetic: 0.87, classification: 0.78, summarization: 0.6 },
    latency_ms: { median: 1100, p95: 2900 }, output_tokens: { mean: 260 },
    errors: { '429': 0.015, '503': 0.015, '408': 0.005 },
    price: { input_per_m: 1, output_per_m: 4 }, context_window: 64000, concurrency: 16, rate_limit_rpm: 2000,
  },
  {
    name: 'sim/sage-reasoner',
    quality: { default: 0.85, support: 0.82, coding: 0.93, extraction: 0.9, arithmetic: 0.98, classification: 0.88, summarization: 0.8 },
    latency_ms: { median: 4200, p95: 11000 }, output_tokens: { mean: 640 },
    errors: { '429': 0.03, '503': 0.01, '408': 0.02 },
    price: { input_per_m: 6, output_per_m: 24 }, context_window: 200000, concurrency: 8, rate_limit_rpm: 500,
  },
  {
    name: 'sim/quill-extract',
    quality: { default: 0.65, support: 0.74, coding: 0.35, extraction: 0.97, arithmetic: 0.55, classification: 0.9, summarization: 0.86 },
    latency_ms: { median: 700, p95: 1800 }, output_tokens: { mean: 160 },
    errors: { '429': 0.01, '503': 0.01, '408': 0.003 },
    price: { input_per_m: 0.3, output_per_m: 1.2 }, context_window: 32000, concurrency: 16, rate_limit_rpm: 5000,
  },
  {
    name: 'sim/swift-small',
    quality: { default: 0.55, support: 0.72, coding: 0.3, extraction: 0.58, arithmetic: 0.25, classification: 0.87, summarization: 0.64 },
    latency_ms: { median: 300, p95: 800 }, output_tokens: { mean: 140 },
    errors: { '429': 0.05, '503': 0.03, '408': 0.01 },
    price: { input_per_m: 0.05, output_per_m: 0.2 }, context_window: 16000, concurrency: 32, rate_limit_rpm: 20000,
  },
  {
    name: JUDGE_MODEL,
    quality: { default: 0.5, judge: 0.98 },
    latency_ms: { median: 900, p95: 2000 }, output_tokens: { mean: 60 },
    errors: {},
    price: { input_per_m: 2.5, output_per_m: 10 }, context_window: 128000, concurrency: 16, rate_limit_rpm: 3000,
  },
];

/**
 * The current production policy's targets and weights: the traffic was served by this mix. It sends
 * 40% to atlas-mini to save money and 30% to sage-reasoner for the billing maths, so it pays the
 * most for the model that needs it least and the least for coding and arithmetic.
 */
export const CURRENT_MIX: Array<[model: string, weight: number]> = [
  ['sim/sage-reasoner', 0.6],
  ['sim/atlas-large', 0.6],
  ['sim/atlas-mini', 0.8],
];
