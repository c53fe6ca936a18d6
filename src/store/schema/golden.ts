import { boolean, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { GoldenCase } from '../../domain/golden-case.js';

export const goldenSets = pgTable('golden_sets', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  source: text('source').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const goldenCases = pgTable(
  'golden_cases',
  {
    setId: integer('set_id').notNull().references(() => goldenSets.id),
    caseId: text('case_id').notNull(),
    body: jsonb('body').$type<GoldenCase>().notNull(),
    reviewed: boolean('reviewed').notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.setId, t.caseId] })],
);

/** LLM-as-judge verdicts, keyed by (judge model, prompt version, case, output hash). */
export const judgeCache = pgTable('judge_cache', {
  key: text('key').primaryKey(),
  score: jsonb('score').$type<{ score: number; pass: boolean; reason: string }>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
