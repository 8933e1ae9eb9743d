// How a sub-issue says "the bot made this", and how to read that back.
//
// Every sub-issue the bot creates carries two marks:
//  - the label `subtasks-bot`: people can see, filter and query it in Linear and Jira
//    ("label = subtasks-bot"), and automations can key on it;
//  - a visible footer line at the end of its description:
//      Created by subtasks-bot · run <runId> · ST3 · ref sb1-<hash8>
//    It survives where the label does not (a person strips labels, a workflow rewrites them),
//    it survives the loss of our own database (a regeneration can still tell the bot's children
//    from a person's, and which run and subtask code made each), and its hash of the title and
//    description the bot wrote tells whether a person has edited the issue since.
// The footer is a visible line on purpose: HTML comments are not reliably kept by Linear's
// markdown, and Atlassian Document Format has no comments at all.
// (https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/)
//
// Everything here is pure: adapters feed it what they read.

import { createHash } from "node:crypto";
import type { BotMarker } from "./types.ts";

export const BOT_LABEL = "subtasks-bot";
/**
 * The label of stories the bot made in an epic. Not BOT_LABEL: the webhooks ignore issues with
 * BOT_LABEL (the bot's sub-issues must not start runs), and a story the bot made is one a person
 * may well label to break it down.
 */
export const BOT_STORY_LABEL = "subtasks-bot-story";

/** Version of the hash scheme, so a later change of normalisation can be told apart. */
const HASH_SCHEME = "sb1";

export interface ParsedMarker extends BotMarker {
  /** The hash of the title and description the bot wrote. */
  readonly hash: string;
}

/**
 * What the content hash sees: letters and digits only, lower-cased, with links reduced to their
 * text and list markers dropped. Markdown → ADF → markdown (Jira) and Linear's own markdown
 * clean-up change bullets, numbering, escapes, emphasis and autolinks; none of that is an edit by
 * a person, and none of it survives this. Any change of words or numbers does.
 */
export function normaliseForHash(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/^[ \t]*(?:[-*+]|\d+[.)])[ \t]+(?:\[[ xX]\][ \t]+)?/gm, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

/** A short hash of a title and description, as written into the footer. */
export function contentHash(title: string, description: string): string {
  const normalised = `${normaliseForHash(title)}\n${normaliseForHash(description)}`;
  return createHash("sha256").update(normalised).digest("hex").slice(0, 8);
}

export function formatMarkerLine(marker: BotMarker, hash: string): string {
  return `Created by ${BOT_LABEL} · run ${marker.runId} · ${marker.code} · ref ${HASH_SCHEME}-${hash}`;
}

/** The description the bot writes: the subtask's own text, a rule, and the footer line. */
export function appendMarker(title: string, description: string, marker: BotMarker): string {
  const body = description.trimEnd();
  const footer = formatMarkerLine(marker, contentHash(title, body));
  return body === "" ? footer : `${body}\n\n---\n\n${footer}`;
}

// Tolerant of what a round trip does to the line: backslash escapes (subtasks\-bot), emphasis
// around the whole line or a word, other separators than the middle dot.
const separator = String.raw`\s*[·•|—–]\s*`;
const token = String.raw`[A-Za-z0-9][A-Za-z0-9_.:-]*`;
const markerPattern = new RegExp(
  String.raw`created by subtasks-bot${separator}run\s+(${token})${separator}(${token})${separator}ref\s+${HASH_SCHEME}-([0-9a-f]{8})`,
  "i",
);

function cleanLine(line: string): string {
  return line
    .replace(/\\([\\`*_{}[\]()#+\-.!|~<>])/g, "$1")
    .replace(/(^|[\s·•|])[*_~`]+|[*_~`]+(?=$|[\s·•|])/g, "$1")
    .trim();
}

function findMarkerLine(description: string): { index: number; marker: ParsedMarker } | null {
  const lines = description.split(/\r?\n/);
  for (let index = lines.length - 1; index >= 0; index--) {
    const match = markerPattern.exec(cleanLine(lines[index] ?? ""));
    if (match?.[1] && match[2] && match[3]) {
      return { index, marker: { runId: match[1], code: match[2], hash: match[3].toLowerCase() } };
    }
  }
  return null;
}

/** The footer of a description, or null when it has none. */
export function readMarker(description: string | null | undefined): ParsedMarker | null {
  return description ? (findMarkerLine(description)?.marker ?? null) : null;
}

/** The description without the footer line and the rule above it: what the hash was taken of. */
export function stripMarker(description: string): string {
  const found = findMarkerLine(description);
  if (!found) return description.trimEnd();
  const lines = description.split(/\r?\n/);
  const kept = [...lines.slice(0, found.index), ...lines.slice(found.index + 1)];
  let end = found.index;
  // Drop the blank lines and the horizontal rule the bot put between the text and the footer.
  while (end > 0 && /^\s*$/.test(kept[end - 1] ?? "")) end--;
  if (end > 0 && /^\s*(?:-{3,}|\*{3,}|_{3,})\s*$/.test(kept[end - 1] ?? "")) end--;
  return [...kept.slice(0, end), ...kept.slice(found.index)].join("\n").trimEnd();
}

export interface ChildFacts {
  readonly title: string;
  readonly description: string | null;
  readonly labels: readonly string[];
  /** The state has moved on from the one the bot created it in (Linear: past backlog/unstarted/triage; Jira: status category past "new"). */
  readonly stateMovedOn: boolean;
  readonly assigned: boolean;
}

export interface ChildVerdict {
  readonly createdByBot: boolean;
  readonly marker: BotMarker | null;
  readonly touchedByPerson: boolean;
}

/**
 * Whether a child was made by the bot and whether a person has touched it since. A child without
 * any mark is a person's own and counts as touched by a person: the bot must leave it alone.
 */
export function inspectChild(child: ChildFacts): ChildVerdict {
  const parsed = readMarker(child.description);
  const labelled = child.labels.some((label) => label.toLowerCase() === BOT_LABEL || label.toLowerCase() === BOT_STORY_LABEL);
  if (!parsed && !labelled) return { createdByBot: false, marker: null, touchedByPerson: true };
  // A labelled child whose footer is gone has had its description rewritten.
  const edited = !parsed || contentHash(child.title, stripMarker(child.description ?? "")) !== parsed.hash;
  return {
    createdByBot: true,
    marker: parsed ? { runId: parsed.runId, code: parsed.code } : null,
    touchedByPerson: child.stateMovedOn || child.assigned || edited,
  };
}
