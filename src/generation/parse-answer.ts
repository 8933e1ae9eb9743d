import type { z } from "zod";
import { answerSchema, type Answer } from "./answer-schema.ts";

export type ParsedAnswer = { readonly ok: true; readonly answer: Answer } | { readonly ok: false; readonly issues: string[] };
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: string[] };

/** Structured outputs return bare JSON; a proxy or an older model may still fence it. */
function stripFence(text: string): string {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/i.exec(text);
  return fenced ? fenced[1]! : text;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "(answer)" : path.map(String).join(".");
}

/** An answer's text as JSON checked against a schema, or the issues, one per line. */
export function parseStructuredJson<S extends z.ZodType>(text: string, schema: S): Parsed<z.output<S>> {
  if (text.trim() === "") return { ok: false, issues: ["(answer): the answer has no text; expected a JSON object"] };
  let json: unknown;
  try {
    json = JSON.parse(stripFence(text));
  } catch (error) {
    return { ok: false, issues: [`(answer): not valid JSON (${(error as Error).message})`] };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.map((issue) => `${pathOf(issue.path)}: ${issue.message}`) };
}

/** A subtasks answer's text checked against the answer schema. */
export function parseAnswer(text: string): ParsedAnswer {
  const parsed = parseStructuredJson(text, answerSchema);
  return parsed.ok ? { ok: true, answer: parsed.value } : parsed;
}
