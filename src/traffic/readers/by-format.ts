import type { TrafficFormat } from '../../domain/traffic-record.js';
import { readLangfuse } from './langfuse.js';
import { readLiteLlm } from './litellm.js';
import { readOpenAiChat } from './openai-chat.js';
import { readOtel } from './otel.js';
import type { Reader } from './reader.js';

/** The readers that take one value at a time (OpenAI Batch joins two files and has its own path). */
export type ValueFormat = Exclude<TrafficFormat, 'openai-batch'>;

export const READERS: Record<ValueFormat, Reader> = {
  'openai-chat': readOpenAiChat,
  litellm: readLiteLlm,
  langfuse: readLangfuse,
  otel: readOtel,
};
