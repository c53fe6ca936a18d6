// The OpenAI Batch import loop: outputs held by custom_id, inputs streamed past them and joined.
import type { FileInput } from './describe-file.js';
import type { ImportState } from './import-state.js';
import { readValues, type SourceProgress } from './readers/line-source.js';
import { joinBatch, readBatchInput, readBatchOutput, type BatchOutput } from './readers/openai-batch.js';
import type { ReaderContext } from './readers/reader.js';

/** Outputs first (held slim, by custom_id), then inputs streamed past them; unmatched outputs last. */
export async function importBatch<Batch>(
  inputs: FileInput[],
  state: ImportState<Batch>,
  progress: SourceProgress,
  tick: () => void,
): Promise<void> {
  const outputs = new Map<string, BatchOutput>();
  const ctx = inputs[0]?.ctx as ReaderContext;
  for (const input of inputs.filter((i) => i.role === 'batch-output')) {
    for await (const item of readValues(input.file, progress)) {
      tick();
      if ('reason' in item) {
        await state.quarantine(input.file, item.line, item.reason);
        continue;
      }
      const out = readBatchOutput(item.value);
      if (typeof out === 'string') await state.quarantine(input.file, item.line, out);
      else outputs.set(out.customId, out);
    }
  }
  for (const input of inputs.filter((i) => i.role !== 'batch-output')) {
    for await (const item of readValues(input.file, progress)) {
      tick();
      if ('reason' in item) {
        await state.quarantine(input.file, item.line, item.reason);
        continue;
      }
      const parsed = readBatchInput(item.value);
      if (typeof parsed === 'string') {
        await state.quarantine(input.file, item.line, parsed);
        continue;
      }
      const output = outputs.get(parsed.customId) ?? null;
      outputs.delete(parsed.customId);
      const record = joinBatch(parsed, output, input.ctx);
      if (typeof record === 'string') await state.quarantine(input.file, item.line, record);
      else await state.add(record);
    }
  }
  for (const output of outputs.values()) {
    const record = joinBatch(null, output, ctx);
    if (typeof record !== 'string') await state.add(record);
  }
}
