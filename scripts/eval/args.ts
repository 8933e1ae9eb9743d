// The eval's command line: story files, and the effort levels to compare.
//   npm run eval -- [--effort low,medium,high] [story.json …]
import { REASONING_EFFORTS, type ReasoningEffort } from "../../src/generation/model-client.ts";

export interface EvalArgs {
  /** Story files; empty: every file of the fixtures folder. */
  readonly files: readonly string[];
  /**
   * Each story is generated once per level, in this order. Without --effort: once, with
   * ANTHROPIC_EFFORT (or the API's default when that is unset), written as undefined.
   */
  readonly efforts: readonly (ReasoningEffort | undefined)[];
}

export class EvalUsageError extends Error {
  override readonly name = "EvalUsageError";
}

export const EVAL_USAGE = `usage: npm run eval -- [--effort ${REASONING_EFFORTS.join(",")}] [story.json …]`;

export function parseEvalArgs(argv: readonly string[]): EvalArgs {
  const files: string[] = [];
  let efforts: ReasoningEffort[] | null = null;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    const inline = /^--effort=(.*)$/.exec(arg);
    if (arg === "--effort" || inline) {
      const value = inline ? inline[1]! : argv[++index];
      if (value === undefined || value.startsWith("--")) throw new EvalUsageError(`--effort needs a list of levels\n${EVAL_USAGE}`);
      if (efforts !== null) throw new EvalUsageError(`--effort is given twice\n${EVAL_USAGE}`);
      efforts = parseEfforts(value);
    } else if (arg.startsWith("--")) {
      throw new EvalUsageError(`unknown option ${arg}\n${EVAL_USAGE}`);
    } else {
      files.push(arg);
    }
  }
  return { files, efforts: efforts ?? [undefined] };
}

function parseEfforts(value: string): ReasoningEffort[] {
  const levels = value.split(",").map((level) => level.trim().toLowerCase()).filter(Boolean);
  if (levels.length === 0) throw new EvalUsageError(`--effort needs a list of levels\n${EVAL_USAGE}`);
  const unknown = levels.filter((level) => !(REASONING_EFFORTS as readonly string[]).includes(level));
  if (unknown.length > 0) throw new EvalUsageError(`unknown effort ${unknown.join(", ")}: the levels are ${REASONING_EFFORTS.join(", ")}`);
  // Each level once, in the order given.
  return [...new Set(levels as ReasoningEffort[])];
}
