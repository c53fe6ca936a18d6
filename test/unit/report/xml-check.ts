/**
 * A strict well-formedness check for the SVGs we generate (no XML parser ships with Node): one
 * root, balanced tags, quoted attributes without duplicates, only the five predefined entities or
 * character references, no raw `<` or `&` in text, and only characters XML 1.0 allows.
 * Returns the problems found; empty means well-formed.
 */
export function xmlProblems(doc: string): string[] {
  const problems: string[] = [];
  if (/[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.test(doc)) problems.push('character not allowed in XML 1.0');
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const checkText = (text: string, where: number) => {
    if (text.includes('<')) problems.push(`raw < at ${where}`);
    for (const m of text.matchAll(/&([^;\s]*);?/g)) {
      if (!/^&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);$/.test(m[0])) problems.push(`bad entity ${m[0]} at ${where}`);
    }
  };
  while (i < doc.length) {
    const lt = doc.indexOf('<', i);
    if (lt < 0) {
      if (doc.slice(i).trim()) problems.push('text after the root element');
      break;
    }
    const text = doc.slice(i, lt);
    if (stack.length === 0 && text.trim()) problems.push(`text outside the root at ${i}`);
    checkText(text, i);
    const gt = doc.indexOf('>', lt);
    if (gt < 0) {
      problems.push(`unclosed tag at ${lt}`);
      break;
    }
    const tag = doc.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('?') || tag.startsWith('!--')) continue;
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z_][\w.:-]*)(.*)$/s.exec(body);
    if (!m) {
      problems.push(`bad tag <${tag}>`);
      continue;
    }
    const [, name, attrs] = m as unknown as [string, string, string];
    const seen = new Set<string>();
    const rest = attrs.replace(/\s+([A-Za-z_][\w.:-]*)\s*=\s*"([^"]*)"/g, (_all, a: string, v: string) => {
      if (seen.has(a)) problems.push(`duplicate attribute ${a} on <${name}>`);
      seen.add(a);
      checkText(v, lt);
      return '';
    });
    if (rest.trim()) problems.push(`malformed attributes on <${name}>: ${rest.trim().slice(0, 40)}`);
    if (stack.length === 0) roots++;
    if (!selfClosing) stack.push(name);
  }
  if (stack.length) problems.push(`unclosed <${stack.join('> <')}>`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
