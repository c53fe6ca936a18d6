/** One server-sent event: its `event:` name (when given) and its `data:` lines joined. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

/**
 * A 2xx body that is a server-sent event stream rather than one JSON document: the server said so,
 * or the body starts like one. Some OpenAI-compatible gateways stream whatever the request asked.
 */
export function isEventStream(contentType: string | undefined, body: string): boolean {
  if ((contentType ?? '').toLowerCase().startsWith('text/event-stream')) return true;
  return /^(data|event):/.test(body.slice(0, 16).trimStart());
}

/** The events of a complete body, in order (comments and empty events dropped). */
export function parseSse(body: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of body.split(/\r?\n\r?\n/)) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0 || event !== undefined) out.push({ event, data: data.join('\n') });
  }
  return out;
}
