import { boolean, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import type { GoldenCase } from '../../domain/golden-case.js';

export const goldenSets = pgTable('golden_sets', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** Where the cases came from: `file:<path>` or `sample:<name>`; the latest import wins. */
  source: text('source').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const goldenCases = pgTable(
  'golden_cases',
  {
    setId: integer('set_id')
      .notNull()
      .references(() => goldenSets.id),
    caseId: text('case_id').notNull(),
    body: jsonb('body').$type<GoldenCase>().notNull(),
    reviewed: boolean('reviewed').notNull().default(true),
    /** Order in the file it was last imported from, so a set loads in the order it was written. */
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.setId, t.caseId] })],
);

/** LLM-as-judge verdicts, keyed by (judge model, prompt version, case, output hash). */
export const judgeCache = pgTable('judge_cache', {
  key: text('key').primaryKey(),
  score: jsonb('score').$type<{ score: number; pass: boolean; reason: string }>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
