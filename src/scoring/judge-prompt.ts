/**
 * The LLM-as-judge prompts. Versioned: the version is part of every judge cache key, so changing a
 * word here must bump JUDGE_PROMPT_VERSION or old verdicts would be served for the new prompt.
 */
export const JUDGE_PROMPT_VERSION = 'judge-v1';

export interface ChatMessage {
  role: string;
  content: string;
}

/** Long texts are cut so a runaway answer cannot blow the judge's context or the bill. */
const MAX_SECTION = 8_000;

export const DEFAULT_RUBRIC =
  'The answer is correct, complete and directly addresses the request. If a reference answer is given, the answer agrees with it in substance (wording may differ).';

const RUBRIC_SYSTEM = `You are a strict, impartial grader of AI assistant answers.
Grade the ANSWER to the CONVERSATION against the RUBRIC. Judge substance, not style or length.
Reply with one JSON object and nothing else:
{"reason": "<one or two sentences>", "score": <integer 0-10>, "pass": <true|false>}
10 means the rubric is fully met, 0 means not at all; pass is true when the rubric is met.`;

const PAIRWISE_SYSTEM = `You are a strict, impartial judge comparing two AI assistant answers.
Decide which answer better serves the user in the CONVERSATION: correctness first, then
completeness, then clarity. Ignore length and the order in which the answers are shown.
Reply with one JSON object and nothing else:
{"reason": "<one or two sentences>", "winner": "A" | "B" | "tie"}`;

export function renderConversation(messages: readonly ChatMessage[]): string {
  return messages.map((m) => `[${m.role}]\n${cut(m.content)}`).join('\n\n');
}

export function rubricMessages(conversation: readonly ChatMessage[], answer: string, rubric: string, reference?: string): ChatMessage[] {
  const parts = [
    `<CONVERSATION>\n${renderConversation(conversation)}\n</CONVERSATION>`,
    reference === undefined ? '' : `<REFERENCE_ANSWER>\n${cut(reference)}\n</REFERENCE_ANSWER>`,
    `<ANSWER>\n${cut(answer)}\n</ANSWER>`,
    `<RUBRIC>\n${rubric}\n</RUBRIC>`,
  ].filter(Boolean);
  return [
    { role: 'system', content: RUBRIC_SYSTEM },
    { role: 'user', content: parts.join('\n\n') },
  ];
}

export function pairwiseMessages(conversation: readonly ChatMessage[], answerA: string, answerB: string): ChatMessage[] {
  const user = [
    `<CONVERSATION>\n${renderConversation(conversation)}\n</CONVERSATION>`,
    `<ANSWER_A>\n${cut(answerA)}\n</ANSWER_A>`,
    `<ANSWER_B>\n${cut(answerB)}\n</ANSWER_B>`,
  ].join('\n\n');
  return [
    { role: 'system', content: PAIRWISE_SYSTEM },
    { role: 'user', content: user },
  ];
}

function cut(text: string): string {
  return text.length > MAX_SECTION ? `${text.slice(0, MAX_SECTION)}\n[… ${text.length - MAX_SECTION} more characters cut]` : text;
}
