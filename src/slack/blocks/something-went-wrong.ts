// The one answer to a person when the bot itself failed: what went wrong in words they can act
// on, what did not happen because of it, and a short reference that is also in the log line,
// so the operator finds the stack trace the person cannot see.
import { randomUUID } from "node:crypto";
import { escapeMrkdwn } from "../mrkdwn.ts";
import { message, section, type SlackMessage } from "./message.ts";

/** A short id that ties a person's message to the log line with the details. */
export function errorReference(): string {
  return randomUUID().slice(0, 8);
}

export interface WentWrong {
  /** What the bot was doing, as "while <doing>": "recording the run". */
  readonly doing?: string;
  /** What did not happen, and what to do: "Nothing was started; please try again in a minute." */
  readonly consequence: string;
  readonly reference: string;
}

export function somethingWentWrong(input: WentWrong): SlackMessage {
  const text = `:x: ${wentWrongSentence(input, (reference) => `\`${escapeMrkdwn(reference)}\``)}`;
  return message(text, [section(text)]);
}

/** The same words as plain text, for places that show no mrkdwn (a modal's field error). */
export function somethingWentWrongPlain(input: WentWrong): string {
  return wentWrongSentence(input, (reference) => reference);
}

function wentWrongSentence(input: WentWrong, showReference: (reference: string) => string): string {
  const doing = input.doing ? ` while ${input.doing}` : "";
  return `Something went wrong on my side${doing}. ${input.consequence} (Reference for the operator: ${showReference(input.reference)})`;
}

/** The consequence of a failed command: nothing was started. */
export const NOTHING_STARTED = "Nothing was started; please try again in a minute.";
