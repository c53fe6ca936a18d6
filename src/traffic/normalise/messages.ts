import type { Message } from '../../domain/traffic-record.js';
import { decodeJsonField, isObj, str } from './values.js';

/**
 * Content flattened to text. OpenAI content parts (`{type: "text", text}`), OTel GenAI parts
 * (`{type: "text", content}`) and Anthropic blocks are joined with newlines; a part that is not
 * text (image, audio, file) leaves a marker so that two requests differing only in an image do not
 * look identical.
 */
export function contentText(content: unknown): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (typeof content === 'number' || typeof content === 'boolean') return String(content);
  if (Array.isArray(content))
    return content
      .map(partText)
      .filter((s) => s !== '')
      .join('\n');
  if (isObj(content)) return partText(content);
  return '';
}

function partText(part: unknown): string {
  if (typeof part === 'string') return part;
  if (!isObj(part)) return '';
  const type = typeof part.type === 'string' ? part.type : 'text';
  if (typeof part.text === 'string') return part.text;
  if (typeof part.content === 'string') return part.content;
  if (type === 'tool_call' || type === 'tool_use' || type === 'function_call')
    return JSON.stringify({ name: part.name, arguments: part.arguments ?? part.input });
  if (type === 'tool_call_response' || type === 'tool_result') return contentText(part.response ?? part.result ?? part.content);
  return `[${type}]`;
}

/** One message from OpenAI, OTel GenAI (`parts`) or Langfuse shapes; null when it is not one. */
export function toMessage(value: unknown): Message | null {
  if (!isObj(value)) return null;
  const role = str(value.role) ?? (value.type === 'human' ? 'user' : value.type === 'ai' ? 'assistant' : null);
  if (!role) return null;
  let content = contentText(value.parts ?? value.content);
  // An assistant turn that only called tools has null content; keep the calls so the turn is not empty.
  if (content === '' && Array.isArray(value.tool_calls)) content = JSON.stringify(value.tool_calls);
  const name = str(value.name);
  return name ? { role, content, name } : { role, content };
}

/**
 * Messages from an array (or a JSON string holding one). Returns null when the value is not a
 * message list at all, [] when it is an empty one — callers treat both as "no request content".
 */
export function toMessages(value: unknown): Message[] | null {
  const v = decodeJsonField(value);
  if (!Array.isArray(v)) return null;
  const out: Message[] = [];
  for (const item of v) {
    const m = toMessage(item);
    if (!m) return null;
    out.push(m);
  }
  return out;
}

/** The assistant text of an OpenAI-style response body (`choices[0].message`), else null. */
export function choiceText(body: unknown): string | null {
  const b = decodeJsonField(body);
  if (!isObj(b)) return typeof b === 'string' && b !== '' ? b : null;
  const choices = b.choices;
  if (!Array.isArray(choices) || choices.length === 0) return null;
  const first: unknown = choices[0];
  if (!isObj(first)) return null;
  if (isObj(first.message)) {
    const m = toMessage({ role: 'assistant', ...first.message });
    return m ? m.content : null;
  }
  return typeof first.text === 'string' ? first.text : null;
}
