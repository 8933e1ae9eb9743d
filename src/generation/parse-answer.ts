import { answerSchema, type Answer } from "./answer-schema.ts";

export type ParsedAnswer = { readonly ok: true; readonly answer: Answer } | { readonly ok: false; readonly issues: string[] };

/** Structured outputs return bare JSON; a proxy or an older model may still fence it. */
function stripFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/i.exec(text);
  return fenced ? fenced[1]! : text;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(answer)" : path.map(String).join(".");
}

/** The answer's text as JSON checked against the answer schema, or the issues, one per line. */
export function parseAnswer(text: string): ParsedAnswer {
  if (text.trim() === "") return { ok: false, issues: ["(answer): the answer has no text; expected a JSON object"] };
  let json: unknown;
  try {
    json = JSON.parse(stripFence(text));
  } catch (error) {
    return { ok: false, issues: [`(answer): not valid JSON (${(error as Error).message})`] };
  }
  const result = answerSchema.safeParse(json);
  if (result.success) return { ok: true, answer: result.data };
  return { ok: false, issues: result.error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`) };
}
