import type { CountRange } from "../generation/types.ts";
import { parseCountRange } from "../generation/count-range.ts";
import { MAX_INSTRUCTION_CHARS } from "../generation/limits.ts";
import { parseSettingsArgs, SETTINGS_USAGE, type SettingsCommand } from "./settings-args.ts";
import { UsageError } from "./usage-error.ts";
import { trackerEntries, trackerRegistry, trackerNames } from "../trackers/registry.ts";
import type { TrackerName } from "../trackers/types.ts";

export type CliCommand =
  | {
      readonly kind: "generate";
      /** "stories": user stories for epics (a stories run); "subtasks": subtasks for stories. */
      readonly what: "subtasks" | "stories";
      readonly refs: readonly string[];
      readonly dryRun: boolean;
      readonly count?: CountRange;
      readonly instruction?: string;
      /** Stories only: break the new stories into subtasks right after. */
      readonly thenSubtasks?: boolean;
    }
  | SettingsCommand
  | { readonly kind: "generate-file"; readonly file: string; readonly count?: CountRange }
  | { readonly kind: "runs"; readonly limit: number }
  | { readonly kind: "show"; readonly runId: string }
  | { readonly kind: "setup"; readonly tracker: TrackerName; readonly scopes: readonly string[]; readonly dryRun: boolean }
  | { readonly kind: "doctor" }
  | { readonly kind: "help" };

export const USAGE = `Usage: subtasks <command>

  generate <KEY|URL...> [--dry-run] [--count 3-8] [--instruction TEXT]
      Break stories (or an epic's stories) into subtasks and create them in the tracker.
      --dry-run       generate and print, create nothing
      --count         how many subtasks per story, e.g. 3-8 or 5 (1-15); default: as each story calls for
      --instruction   what the plan should focus on, e.g. "backend only" (at most 1,000 characters)
  stories <EPIC|URL...> [--dry-run] [--count 4-10] [--instruction TEXT] [--then-subtasks]
      Write user stories with acceptance criteria for epics (a Jira Epic, a Linear project or
      epic issue) and create them in the epic. Nobody reviews them from the CLI: use --dry-run
      first, or /subtasks stories in Slack for Create / Refine… / Regenerate / Discard.
      --then-subtasks break the new stories into subtasks right after
  generate <story.json> --dry-run [--count 3-8]
      Generate for a story described in a JSON file; touches no tracker and no database.
  runs [--limit N]        the latest runs (default 10)
  show <runId>            one run with its stories and subtasks
${SETTINGS_USAGE}
${trackerEntries.map((entry) => `  setup ${entry.name} [--${entry.teamNoun} KEY ...] [--dry-run]\n      Create what the bot needs in ${entry.displayName} where it is missing (labels, webhook…); changes nothing that exists.`).join("\n")}
  doctor                  check every configured integration live; exit code 0 only when all pass
  help                    this text

Exit codes: 0 ok, 1 some stories failed, 2 bad usage.`;

export { UsageError } from "./usage-error.ts";

/** The command line (without `node` and the script), as a command or a UsageError. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      return { kind: "help" };
    case "generate":
      return parseGenerate(rest, "subtasks");
    case "stories":
      return parseGenerate(rest, "stories");
    case "runs":
      return parseRuns(rest);
    case "settings":
      return parseSettingsArgs(rest);
    case "setup":
      return parseSetup(rest);
    case "doctor":
      if (rest.length > 0) throw new UsageError("doctor takes no arguments");
      return { kind: "doctor" };
    case "show": {
      if (rest.length !== 1 || rest[0]!.startsWith("-")) throw new UsageError("show needs exactly one run id: subtasks show <runId>");
      return { kind: "show", runId: rest[0]! };
    }
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}

function parseGenerate(args: readonly string[], what: "subtasks" | "stories"): CliCommand {
  const refs: string[] = [];
  let dryRun = false;
  let thenSubtasks = false;
  let count: CountRange | undefined;
  let instruction: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--dry-run") dryRun = true;
    else if (arg === "--then-subtasks" && what === "stories") thenSubtasks = true;
    else if (arg === "--count" || arg.startsWith("--count=")) {
      const value = arg === "--count" ? args[++i] : arg.slice("--count=".length);
      if (value === undefined) throw new UsageError("--count needs a value such as 3-8");
      const parsed = parseCountRange(value);
      if ("error" in parsed) throw new UsageError(parsed.error);
      count = parsed;
    } else if (arg === "--instruction" || arg.startsWith("--instruction=")) {
      const value = arg === "--instruction" ? args[++i] : arg.slice("--instruction=".length);
      if (!value?.trim()) throw new UsageError('--instruction needs a text, e.g. --instruction "backend only"');
      if (value.length > MAX_INSTRUCTION_CHARS) throw new UsageError(`--instruction is ${value.length} characters; keep it under ${MAX_INSTRUCTION_CHARS}`);
      instruction = value.trim();
    } else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else refs.push(arg);
  }
  if (what === "stories") {
    if (refs.length === 0) throw new UsageError("stories needs at least one epic key or link");
    if (dryRun && thenSubtasks) throw new UsageError("--dry-run creates no stories, so --then-subtasks has nothing to break down");
    return { kind: "generate", what, refs, dryRun, ...(count ? { count } : {}), ...(instruction ? { instruction } : {}), ...(thenSubtasks ? { thenSubtasks } : {}) };
  }
  if (refs.length === 0) throw new UsageError("generate needs at least one story key, link or story file");
  const files = refs.filter((ref) => ref.toLowerCase().endsWith(".json"));
  if (files.length > 0) {
    if (refs.length > 1) throw new UsageError("generate takes one story file, on its own");
    if (!dryRun) throw new UsageError("a story file touches no tracker: add --dry-run");
    if (instruction) throw new UsageError("--instruction goes with stories from a tracker; put a story file's instructions in the file");
    return { kind: "generate-file", file: files[0]!, ...(count ? { count } : {}) };
  }
  return { kind: "generate", what, refs, dryRun, ...(count ? { count } : {}), ...(instruction ? { instruction } : {}) };
}

function parseRuns(args: readonly string[]): CliCommand {
  let limit = 10;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--limit" || arg.startsWith("--limit=")) {
      const value = arg === "--limit" ? args[++i] : arg.slice("--limit=".length);
      if (!value || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 100) {
        throw new UsageError("--limit needs a number from 1 to 100");
      }
      limit = Number(value);
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return { kind: "runs", limit };
}

function parseSetup(args: readonly string[]): CliCommand {
  const [name, ...rest] = args;
  if (!name || !(trackerNames as readonly string[]).includes(name)) {
    throw new UsageError(`setup needs a tracker: ${trackerNames.map((tracker) => `subtasks setup ${tracker}`).join(", or ")}`);
  }
  const tracker = name as TrackerName;
  const option = `--${trackerRegistry[tracker].teamNoun}`;
  const scopes: string[] = [];
  let dryRun = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--dry-run") dryRun = true;
    else if (arg === option || arg.startsWith(`${option}=`)) {
      const value = arg === option ? rest[++i] : arg.slice(option.length + 1);
      if (!value || value.startsWith("-")) throw new UsageError(`${option} needs a key, e.g. ${option} ENG`);
      scopes.push(...value.split(",").map((key) => key.trim()).filter(Boolean));
    } else throw new UsageError(`unknown option ${arg} (setup ${tracker} takes ${option} KEY and --dry-run)`);
  }
  return { kind: "setup", tracker, scopes, dryRun };
}
