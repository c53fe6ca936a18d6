import type { ProviderKind } from '../../domain/catalog-entry.js';

/**
 * The provider kind a log names, so a record can be replayed against the same kind of endpoint:
 * LiteLLM `custom_llm_provider`, OTel `gen_ai.provider.name` (and the deprecated `gen_ai.system`),
 * Langfuse / LangChain metadata (`ls_provider`). Names of OpenAI-compatible servers map to `openai`;
 * a name we do not know maps to nothing (the raw name is kept beside it).
 */
const KINDS = new Map<string, ProviderKind>([
  // LiteLLM
  ['openai', 'openai'],
  ['text-completion-openai', 'openai'],
  ['openrouter', 'openai'],
  ['together_ai', 'openai'],
  ['hosted_vllm', 'openai'],
  ['vllm', 'openai'],
  ['ollama', 'openai'],
  ['ollama_chat', 'openai'],
  ['litellm_proxy', 'openai'],
  ['azure', 'azure-openai'],
  ['azure_text', 'azure-openai'],
  ['anthropic', 'anthropic'],
  ['gemini', 'gemini'],
  ['vertex_ai', 'gemini'],
  ['vertex_ai_beta', 'gemini'],
  ['bedrock', 'bedrock'],
  ['bedrock_converse', 'bedrock'],
  ['watsonx', 'watsonx'],
  ['watsonx_text', 'watsonx'],
  // OpenTelemetry GenAI semantic conventions (current and deprecated values)
  ['azure.ai.openai', 'azure-openai'],
  ['az.ai.openai', 'azure-openai'],
  ['aws.bedrock', 'bedrock'],
  ['gcp.gemini', 'gemini'],
  ['gcp.vertex_ai', 'gemini'],
  ['gcp.gen_ai', 'gemini'],
  ['ibm.watsonx.ai', 'watsonx'],
  // LangChain's ls_provider (Langfuse metadata)
  ['google_genai', 'gemini'],
  ['google_vertexai', 'gemini'],
  ['amazon_bedrock', 'bedrock'],
  ['azure_openai', 'azure-openai'],
  ['ibm', 'watsonx'],
]);

export function providerKindOf(name: string | null | undefined): ProviderKind | undefined {
  if (!name || name.length > 64) return undefined;
  return KINDS.get(name.trim().toLowerCase());
}
