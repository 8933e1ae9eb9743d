// Block Kit basics shared by the builders: the limits Slack enforces and small constructors
// that respect them, so no builder can produce a message Slack refuses.
// https://docs.slack.dev/reference/block-kit/blocks
import type { types } from "@slack/bolt";
import { ELLIPSIS, truncate } from "../mrkdwn.ts";

export type Block = types.KnownBlock;

/** What chat.postMessage / chat.update / a response_url take. */
export interface SlackMessage {
  /** Notification and screen-reader fallback; Slack shows it when blocks cannot render. */
  readonly text: string;
  readonly blocks: Block[];
}

export const LIMITS = {
  blocksPerMessage: 50,
  blocksPerView: 100,
  /** Section text, context text objects. */
  text: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  contextElements: 10,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  blockId: 255,
  /** Kept well under Slack's 40,000: the fallback is a summary, never the whole content. */
  fallbackText: 3000,
} as const;

export function section(text: string): Block {
  return { type: "section", text: { type: "mrkdwn", text: truncate(text, LIMITS.text) } };
}

export function fieldsSection(fields: readonly string[]): Block {
  return {
    type: "section",
    fields: fields.slice(0, LIMITS.fieldsPerSection).map((text) => ({ type: "mrkdwn" as const, text: truncate(text, LIMITS.fieldText) })),
  };
}

export function context(...texts: string[]): Block {
  return {
    type: "context",
    elements: texts.slice(0, LIMITS.contextElements).map((text) => ({ type: "mrkdwn" as const, text: truncate(text, LIMITS.text) })),
  };
}

export function header(text: string): Block {
  return { type: "header", text: { type: "plain_text", text: truncate(text, LIMITS.headerText), emoji: true } };
}

export const divider: Block = { type: "divider" };

export function message(text: string, blocks: Block[]): SlackMessage {
  return { text: truncate(text, LIMITS.fallbackText), blocks: fitBlocks(blocks, LIMITS.blocksPerMessage) };
}

/**
 * Keeps at most `max` blocks; when some must go, the last kept block says how many were left
 * out (and where to look, when `where` is given) instead of Slack refusing the whole message.
 */
export function fitBlocks(blocks: readonly Block[], max: number, where?: string): Block[] {
  if (blocks.length <= max) return [...blocks];
  const kept = blocks.slice(0, max - 1);
  const omitted = blocks.length - kept.length;
  kept.push(context(`${ELLIPSIS} ${omitted} more not shown${where ? `: ${where}` : ""}`));
  return kept;
}

/**
 * Joins lines into as few section texts as possible, each within the section limit; a line
 * longer than the limit is truncated. Returns at most `maxSections` texts and how many lines
 * did not fit.
 */
export function packLines(lines: readonly string[], maxSections: number, limit: number = LIMITS.text): { texts: string[]; omitted: number } {
  const texts: string[] = [];
  let current = "";
  let used = 0;
  for (const raw of lines) {
    const line = truncate(raw, limit);
    const next = current === "" ? line : `${current}\n${line}`;
    if (next.length <= limit) {
      current = next;
      used++;
      continue;
    }
    if (texts.length + 1 >= maxSections) break;
    texts.push(current);
    current = line;
    used++;
  }
  if (current !== "") texts.push(current);
  return { texts, omitted: lines.length - used };
}
