import { writeFileSync } from 'node:fs';
import { recordId } from '../../src/traffic/record-id.js';
import type { NormalisedRecord } from '../../src/traffic/readers/reader.js';

/** OpenAI chat JSONL lines for the import scenarios, and the record ids the store gives them. */
export function chatLine(id: string, content = 'hello'): string {
  return JSON.stringify({
    id,
    timestamp: '2026-11-20T08:15:02Z',
    metadata: { intent: 'chat' },
    request: { model: 'gpt-4o', messages: [{ role: 'user', content }] },
    response: {
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }],
      usage: { prompt_tokens: 3, completion_tokens: 1 },
    },
  });
}

export const storedId = (sourceId: string) => recordId('openai-chat', { sourceId } as NormalisedRecord);

export function writeLines(file: string, lines: readonly string[]): string {
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
