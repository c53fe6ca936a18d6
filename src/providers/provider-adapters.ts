import type { ProviderKind } from '../domain/catalog-entry.js';
import type { ProviderAdapter } from './provider-adapter.js';
import { anthropicAdapter } from './wire-anthropic.js';
import { azureOpenaiAdapter } from './wire-azure-openai.js';
import { bedrockAdapter } from './wire-bedrock.js';
import { geminiAdapter } from './wire-gemini.js';
import { openaiAdapter } from './wire-openai.js';
import { createWatsonxAdapter } from './wire-watsonx.js';

/**
 * One adapter per provider kind, made per chat client: the watsonx one holds IAM tokens, which must
 * live no longer than the client that obtained them.
 *
 * Why no SDK: the official SDKs (openai, @anthropic-ai/sdk, @google/genai, @aws-sdk/client-bedrock-runtime,
 * @ibm-cloud/watsonx-ai) and the Vercel AI SDK providers retry on their own unless told not to (openai,
 * Anthropic and the AI SDK: 2 retries; @google/genai's retry options: 5 attempts once enabled; the AWS
 * SDK: 3 attempts), bring their own timeouts and HTTP agents, throw their own error classes (some
 * carrying the request with its headers), and read errors inside 200s or cut bodies each their own
 * way. Turning all of that off differs per SDK and per version; speaking the documented wire format over
 * routelab's one transport keeps status classes, Retry-After, deadlines, socket closing and key
 * redaction identical on every kind. SigV4 is the exception: signing is easy to get subtly wrong, so
 * AWS's maintained signer does it.
 */
export function createAdapters(): Record<ProviderKind, ProviderAdapter> {
  return {
    openai: openaiAdapter,
    'azure-openai': azureOpenaiAdapter,
    anthropic: anthropicAdapter,
    gemini: geminiAdapter,
    bedrock: bedrockAdapter,
    watsonx: createWatsonxAdapter(),
  };
}
