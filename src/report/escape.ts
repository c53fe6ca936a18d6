import { sanitizeInline } from '../domain/sanitize.js';
import { redactString } from '../redact/redact-text.js';

/**
 * Model names, segment values and rationale come from traffic and imported files: hostile text.
 * Everything printed into a report goes through one of these after the redactor and
 * `sanitizeInline` have removed secrets, escape sequences, control and bidi characters.
 */

/** Markdown inline text (table cells included): no markup, links, HTML or cell breaks survive. */
export function md(text: string): string {
  return (
    sanitizeInline(redactString(text))
      // Brackets are escaped, so parentheses can never become a link target and stay readable.
      .replace(/[\\`*_{}[\]<>|~]/g, (c) => `\\${c}`)
      .replace(/^([-=#+])/, '\\$1')
      .replace(/\r?\n/g, ' ')
  );
}

/** XML text or attribute value. Characters XML 1.0 forbids are dropped, not escaped. */
export function xml(text: string): string {
  return sanitizeInline(redactString(text))
    .replace(/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Shorten for a chart label, keeping the end of long model paths readable. */
export function shorten(text: string, max = 28): string {
  const t = sanitizeInline(text);
  return t.length <= max ? t : `…${t.slice(t.length - max + 1)}`;
}
