// The grammar of /subtasks, as a pure function of the text a person typed:
//   /subtasks ENG-123 [ENG-124 … | links] [--count 3-6] [--dry-run] [--review]
//   /subtasks status [runId]
//   /subtasks help   (or nothing)
// References are resolved here too (parseRef is pure: it needs only which trackers exist), so
// every mistake is found before a run is recorded and told back in one message.

import { BadReference } from "../trackers/errors.ts";
import { parseRef, type ParseRefOptions } from "../trackers/parse-ref.ts";
import type { TrackerRef } from "../trackers/types.ts";
import { parseCountRange } from "../generation/count-range.ts";
import type { RunOptions } from "../runs/types.ts";

/** The command as the manifest declares it; the listener answers whatever name Slack sends. */
export const SLASH_COMMAND = "/subtasks";

/** More references than this in one command is almost surely a paste gone wrong. */
export const MAX_REFS_PER_COMMAND = 50;

export type SubtasksCommand =
  | { readonly kind: "help" }
  | { readonly kind: "status"; readonly runId?: string }
  | { readonly kind: "run"; readonly refs: readonly TrackerRef[]; readonly options: RunOptions }
  /** Each problem is one sentence a person can act on. */
  | { readonly kind: "invalid"; readonly problems: readonly string[] };

// Run ids are cuids (cmwvwv6en000qla7dobbqezj2); UUIDs are accepted too.
const runIdPattern = /^[a-z0-9][a-z0-9-]{7,63}$/i;
const knownOptions = "--count 3-6, --dry-run, --review";

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

export function parseCommand(text: string, refOptions: ParseRefOptions): SubtasksCommand {
  const tokens = tokenize(text.trim());
  const [first, ...rest] = tokens;
  if (first === undefined) return { kind: "help" };
  const verb = first.toLowerCase();
  if (verb === "help" || verb === "--help" || verb === "-h" || verb === "?") return { kind: "help" };
  if (verb === "status") return parseStatus(rest);

  const problems: string[] = [];
  const refs: TrackerRef[] = [];
  const seen = new Set<string>();
  let count: RunOptions["count"];
  let dryRun = false;
  let review = false;

  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    const option = normaliseOption(token);
    if (option.startsWith("--")) {
      const [name, inlineValue] = option.split("=", 2) as [string, string | undefined];
      if (name === "--dry-run") dryRun = true;
      else if (name === "--review") review = true;
      else if (name === "--count") {
        const value = inlineValue ?? tokens[++index];
        if (value === undefined || value.startsWith("-") || value.startsWith("—")) {
          problems.push("--count needs a range after it, such as --count 3-6 (or one number, such as --count 5).");
          if (value !== undefined) index--;
          continue;
        }
        const range = parseCountRange(value);
        if ("error" in range) problems.push(`--count: ${range.error}.`);
        else count = range;
      } else {
        problems.push(`${token} is not an option I know. Options: ${knownOptions}.`);
      }
      continue;
    }
    try {
      const ref = parseRef(token, refOptions);
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

  if (dryRun && review) {
    problems.push("--dry-run and --review do not go together: --dry-run only shows the subtasks, --review asks before creating them.");
  }
  if (refs.length === 0 && problems.length === 0) {
    problems.push("Tell me which stories to break down, for example: /subtasks ENG-123 --dry-run");
  }
  if (refs.length > MAX_REFS_PER_COMMAND) {
    problems.push(`That is ${refs.length} stories; one command takes at most ${MAX_REFS_PER_COMMAND}. Use an epic to run many stories at once.`);
  }
  if (problems.length > 0) return { kind: "invalid", problems };
  const options: RunOptions = { ...(count ? { count } : {}), ...(dryRun ? { dryRun } : {}), ...(review ? { review } : {}) };
  return { kind: "run", refs, options };
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
