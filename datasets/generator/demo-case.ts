import type { z } from 'zod';
import { GoldenCase, type Assertion, type Message } from '../../src/domain/index.js';

/** Assertions as authored: defaults (weight, mode, case_sensitive…) are filled in by the schema. */
export type AssertionInput = z.input<typeof Assertion>;

/** The intents of the demo assistant; each is a segment of the simulated fleet. */
export const INTENTS = ['support', 'coding', 'extraction', 'arithmetic', 'classification', 'summarization'] as const;
export type Intent = (typeof INTENTS)[number];

/**
 * One authored case plus the two answers the simulated fleet can give: `correct` passes every
 * non-judge assertion, `wrong` is plausible but fails the case.
 */
export interface DemoCase {
  intent: Intent;
  golden: GoldenCase;
  correct: string;
  wrong: string;
}

/** Build a DemoCase; the golden case is validated by its zod schema, defaults filled in. */
export function demoCase(input: {
  id: string;
  intent: Intent;
  messages: Message[];
  metadata?: Record<string, unknown>;
  reference?: string;
  assertions: AssertionInput[];
  correct: string;
  wrong: string;
}): DemoCase {
  return {
    intent: input.intent,
    // Parsed, not cast: a case the schema would refuse fails the generator, not the import.
    golden: GoldenCase.parse({
      id: input.id,
      input: { messages: input.messages },
      metadata: { intent: input.intent, ...(input.metadata ?? {}) },
      ...(input.reference !== undefined ? { reference: input.reference } : {}),
      assertions: input.assertions,
      reviewed: true,
    }),
    correct: input.correct,
    wrong: input.wrong,
  };
}

export const system = (content: string): Message => ({ role: 'system', content });
export const user = (content: string): Message => ({ role: 'user', content });
