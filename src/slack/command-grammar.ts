// The grammar of /subtasks, as a pure function of the text a person typed:
//   /subtasks ENG-123 [ENG-124 … | links] [--count 3-6|adaptive] [--dry-run] [--review|--no-review] [instruction]
//   /subtasks stories EPIC-1 [EPIC-2 …] [--count 4-10] [--dry-run] [--review|--no-review] [--then-subtasks] [instruction]
//   /subtasks status [runId]
//   /subtasks help   (or nothing)
// Text after the references that is not an option is an instruction for the model
// ("/subtasks ENG-123 --review backend only, no UI work"), and so is quoted text anywhere
// ('/subtasks ENG-123 "split the migration out"'). References are resolved here too (parseRef
// is pure: it needs only which trackers exist), so every mistake is found before a run is
// recorded and told back in one message.

import { BadReference } from "../trackers/errors.ts";
import { parseRef, type ParseRefOptions } from "../trackers/parse-ref.ts";
import type { TrackerRef } from "../trackers/types.ts";
import { parseCountRange } from "../generation/count-range.ts";
import { MAX_INSTRUCTION_CHARS } from "../generation/limits.ts";
import type { RunOptions } from "../runs/types.ts";

/** The command as the manifest declares it; the listener answers whatever name Slack sends. */
export const SLASH_COMMAND = "/subtasks";

/** More references than this in one command is almost surely a paste gone wrong. */
export const MAX_REFS_PER_COMMAND = 50;

export type SubtasksCommand =
  | { readonly kind: "help" }
  | { readonly kind: "status"; readonly runId?: string }
  | { readonly kind: "run"; readonly refs: readonly TrackerRef[]; readonly options: RunOptions }
  /** Stories from epics (a GENERATE_STORIES run). */
  | { readonly kind: "stories"; readonly refs: readonly TrackerRef[]; readonly options: RunOptions }
  /** Each problem is one sentence a person can act on. */
  | { readonly kind: "invalid"; readonly problems: readonly string[] };

// Run ids are cuids (cmwvwv6en000qla7dobbqezj2); UUIDs are accepted too.
const runIdPattern = /^[a-z0-9][a-z0-9-]{7,63}$/i;
const knownOptions = {
  subtasks: "--count 3-6, --dry-run, --review, --no-review",
  stories: "--count 4-10, --dry-run, --review, --no-review, --then-subtasks",
} as const;
type RunMode = keyof typeof knownOptions;

/** A token that was meant as a reference, even when it is not a good one: a link, or a key-like word. */
const looksLikeRef = (token: string) => /^<|^https?:\/\//i.test(token) || /^[A-Za-z][A-Za-z0-9_]*-[0-9]/.test(token);

/** Text in straight or typographic double quotes (Slack clients turn "…" into “…”). */
const QUOTED = /"([^"]*)"|“([^”]*)”|„([^“”]*)[“”]/g;

/**
 * Splits on whitespace, but keeps a Slack-wrapped link (`<https://…|label with spaces>`) whole,
 * and drops the commas people put between keys ("ENG-1, ENG-2").
 */
export function tokenize(text: string): string[] {
  const tokens = text.match(/<[^<>]*>|[^\s<]+|</g) ?? [];
  return tokens.flatMap((token) => (token.startsWith("<") ? [token] : token.split(/,+/))).filter((token) => token !== "");
}

/**
 * Slack (and macOS autocorrect) often turns a typed "--" into an em or en dash: "—dry-run"
 * means "--dry-run".
 */
function normaliseOption(token: string): string {
  return token.replace(/^(?:—|–|−−|--)/, "--").toLowerCase();
}

interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Whitespace-separated tokens with where they stand in the text; a Slack-wrapped link is one token. */
function tokensOf(text: string): Token[] {
  return [...text.matchAll(/<[^<>]*>|[^\s<]+|</g)].map((match) => ({ text: match[0], start: match.index, end: match.index + match[0].length }));
}

export function parseCommand(text: string, refOptions: ParseRefOptions): SubtasksCommand {
  const trimmed = text.trim();
  const [first, ...rest] = tokenize(trimmed);
  if (first === undefined) return { kind: "help" };
  const verb = first.toLowerCase();
  if (verb === "help" || verb === "--help" || verb === "-h" || verb === "?") return { kind: "help" };
  if (verb === "status") return parseStatus(rest);
  if (verb === "stories") return parseRun(trimmed.slice(trimmed.toLowerCase().indexOf("stories") + "stories".length), refOptions, "stories");
  return parseRun(trimmed, refOptions, "subtasks");
}

/** The references, options and instruction of a run command (after its verb, for stories). */
function parseRun(trimmed: string, refOptions: ParseRefOptions, mode: RunMode): SubtasksCommand {
  // Quoted text is an instruction wherever it stands; blanked out (same length) so the
  // positions of the other tokens stay true.
  const quoted: string[] = [];
  const unquoted = trimmed.replace(QUOTED, (whole: string, ...groups: (string | undefined)[]) => {
    quoted.push(groups.slice(0, 3).find((group) => group !== undefined) ?? "");
    return " ".repeat(whole.length);
  });
  const tokens = tokensOf(unquoted);

  const problems: string[] = [];
  const refs: TrackerRef[] = [];
  const seen = new Set<string>();
  let count: RunOptions["count"];
  let dryRun = false;
  let review: boolean | undefined;
  let thenSubtasks = false;
  /** Where the free-text instruction starts, and the option tokens inside it (left out of it). */
  let instructionStart: number | undefined;
  const optionSpans: Token[] = [];

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const option = normaliseOption(token.text);
    if (option.startsWith("--")) {
      optionSpans.push(token);
      const [name, inlineValue] = option.split("=", 2) as [string, string | undefined];
      if (name === "--dry-run") dryRun = true;
      else if (name === "--then-subtasks" && mode === "stories") thenSubtasks = true;
      else if (name === "--review" || name === "--no-review") {
        const wanted = name === "--review";
        if (review === !wanted) problems.push("--review and --no-review do not go together.");
        review = wanted;
      } else if (name === "--count") {
        const next = inlineValue === undefined ? tokens[index + 1] : undefined;
        const value = inlineValue ?? next?.text;
        if (value === undefined || value.startsWith("-") || value.startsWith("—")) {
          problems.push("--count needs a range after it, such as --count 3-6 (or one number, such as --count 5, or adaptive).");
          continue;
        }
        if (next) {
          optionSpans.push(next);
          index++;
        }
        if (value.toLowerCase() === "adaptive") {
          count = "adaptive";
          continue;
        }
        const range = parseCountRange(value);
        if ("error" in range) problems.push(`--count: ${range.error}.`);
        else count = range;
      } else {
        problems.push(`${token.text} is not an option I know. Options: ${knownOptions[mode]}.`);
      }
      continue;
    }
    if (instructionStart !== undefined) continue;
    // After the references, words that are not meant as one begin the instruction.
    if (refs.length > 0 && !looksLikeRef(token.text)) {
      instructionStart = token.start;
      continue;
    }
    for (const part of token.text.startsWith("<") ? [token.text] : token.text.split(/,+/).filter(Boolean)) {
      try {
        const ref = parseRef(part, refOptions);
        const identity = `${ref.tracker}:${ref.kind}:${ref.key.toUpperCase()}`;
        if (!seen.has(identity)) {
          seen.add(identity);
          refs.push(ref);
        }
      } catch (error) {
        if (!(error instanceof BadReference)) throw error;
        problems.push(error.message);
      }
    }
  }

  const typed = instructionStart === undefined ? "" : withoutSpans(unquoted, instructionStart, optionSpans);
  const instruction = [...quoted, typed].map((part) => part.replace(/\s+/g, " ").trim()).filter(Boolean).join(" ");
  if (instruction.length > MAX_INSTRUCTION_CHARS) {
    problems.push(`The instruction is ${instruction.length.toLocaleString("en-US")} characters; keep it under ${MAX_INSTRUCTION_CHARS.toLocaleString("en-US")}.`);
  }
  const items = mode === "stories" ? "stories" : "subtasks";
  if (dryRun && review) {
    problems.push(`--dry-run and --review do not go together: --dry-run only shows the ${items}, --review asks before creating them.`);
  }
  if (dryRun && thenSubtasks) problems.push("--dry-run and --then-subtasks do not go together: a dry run creates no stories to break down.");
  if (refs.length === 0 && problems.length === 0) {
    problems.push(
      mode === "stories"
        ? "Tell me which epics to write stories for, for example: /subtasks stories ENG-100 --dry-run"
        : "Tell me which stories to break down, for example: /subtasks ENG-123 --dry-run",
    );
  }
  if (refs.length > MAX_REFS_PER_COMMAND) {
    problems.push(`That is ${refs.length} references; one command takes at most ${MAX_REFS_PER_COMMAND}.${mode === "subtasks" ? " Use an epic to run many stories at once." : ""}`);
  }
  if (problems.length > 0) return { kind: "invalid", problems };
  const options: RunOptions = {
    ...(count ? { count } : {}),
    ...(dryRun ? { dryRun } : {}),
    ...(review === undefined ? {} : { review }),
    ...(instruction ? { instruction } : {}),
    ...(thenSubtasks ? { thenSubtasks } : {}),
  };
  return { kind: mode === "stories" ? "stories" : "run", refs, options };
}

/** The text from `start` to the end, without the option tokens that stand in it. */
function withoutSpans(text: string, start: number, spans: readonly Token[]): string {
  let out = "";
  let at = start;
  for (const span of spans.filter((candidate) => candidate.start >= start)) {
    out += text.slice(at, span.start);
    at = span.end;
  }
  return out + text.slice(at);
}

function parseStatus(args: readonly string[]): SubtasksCommand {
  if (args.length === 0) return { kind: "status" };
  const [runId, ...extra] = args;
  const id = runId?.replace(/^`|`$/g, "");
  if (extra.length > 0 || id === undefined || !runIdPattern.test(id)) {
    return {
      kind: "invalid",
      problems: [`status takes at most one run id, the one under each run's message, such as /subtasks status cmwvwv6en000qla7dobbqezj2 (got "${args.join(" ")}").`],
    };
  }
  return { kind: "status", runId: id };
}
