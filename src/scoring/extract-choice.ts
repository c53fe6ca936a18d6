/**
 * The letter a model chose, MMLU style, looked for from the most to the least deliberate form:
 * "Answer: C" / "the answer is (C)", a bare letter as the whole output, "(C)", then "C." or "C)"
 * at the start of a line. Only upper-case letters among `choices` count, so the pronoun "I" or
 * the article "a" are not read as answers.
 */
export function extractChoice(text: string, choices: string): string | undefined {
  const scan = text.length > 20_000 ? text.slice(0, 20_000) : text;
  const letters = new Set(choices.toUpperCase());
  const pick = (re: RegExp, last: boolean): string | undefined => {
    let found: string | undefined;
    for (const m of scan.matchAll(re)) {
      const l = m[1];
      if (l && letters.has(l)) {
        found = l;
        if (!last) break;
      }
    }
    return found;
  };
  return (
    pick(/answer(?:\s+is)?\s*(?:[:=]|is)?\s*(?:option\s+)?[([*]*([A-Z])(?![A-Za-z])/gi, true) ??
    pick(/^\s*[([*]*([A-Z])[)\].:*]*\s*$/g, false) ??
    pick(/\(([A-Z])\)/g, true) ??
    pick(/^[ \t*]*([A-Z])[.)](?:\s|$)/gm, false)
  );
}
