// What an input file is: readable, its size and format (and, for OpenAI Batch, input or output).
import { stat } from 'node:fs/promises';
import { InputError } from '../domain/errors.js';
import type { TrafficFormat } from '../domain/traffic-record.js';
import { batchRole, detectFormat, type BatchRole } from './readers/detect.js';
import { readValues } from './readers/line-source.js';
import type { ReaderContext } from './readers/reader.js';

/** How many leading values of a file are looked at to tell its format. */
const SNIFF_VALUES = 50;
export interface FileInput {
  file: string;
  size: number;
  format: TrafficFormat;
  role: BatchRole | null;
  ctx: ReaderContext;
}

/** Check the file can be read and tell its format (and, for Batch, whether it is input or output). */
export async function describeFile(file: string, requested: 'auto' | TrafficFormat): Promise<FileInput> {
  let info;
  try {
    info = await stat(file);
  } catch {
    throw new InputError(`${file}: cannot read the file (does it exist?)`);
  }
  if (!info.isFile()) throw new InputError(`${file}: not a file`);
  const ctx: ReaderContext = { fallbackTimestamp: info.mtime.toISOString() };
  let seen = 0;
  for await (const item of readValues(file)) {
    if (++seen > SNIFF_VALUES) break;
    if (!('value' in item)) continue;
    if (requested !== 'auto') {
      const role = requested === 'openai-batch' ? batchRole(item.value) : null;
      if (requested === 'openai-batch' && !role) continue;
      return { file, size: info.size, format: requested, role, ctx };
    }
    const detected = detectFormat(item.value);
    if (detected) return { file, size: info.size, format: detected.format, role: detected.role ?? null, ctx };
  }
  if (requested !== 'auto' && requested !== 'openai-batch') return { file, size: info.size, format: requested, role: null, ctx };
  throw new InputError(
    requested === 'openai-batch'
      ? `${file}: no OpenAI Batch input or output line among the first ${SNIFF_VALUES} values`
      : `${file}: cannot tell the format from the first ${SNIFF_VALUES} values; pass --format openai-chat|openai-batch|litellm|langfuse|otel`,
  );
}
