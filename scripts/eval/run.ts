// The eval's loop: each story, once per effort level, through the real engine on the configured
// model; prints the subtasks and the checks as it goes and returns one row per story and level.
import path from "node:path";
import type { AnthropicConfig } from "../../src/config/config.ts";
import { TSHIRT_SIZES } from "../../src/effort/effort.ts";
import {
  acceptanceCriteriaOf,
  createAnthropicModelClient,
  createSubtaskGenerator,
  loadStoryContextFile,
  type GenerateOptions,
  type GenerationResult,
  type ReasoningEffort,
  type StoryContext,
} from "../../src/generation/index.ts";
import { resolveOptions } from "../../src/generation/options.ts";
import { duplicateKey } from "../../src/generation/title.ts";
import type { Logger } from "../../src/log/logger.ts";
import { effortLabel, type EvalRow } from "./report.ts";

export interface EvalDeps {
  readonly anthropic: AnthropicConfig;
  readonly logger: Logger;
  readonly print: (line: string) => void;
  /** Passed to the model client; tests set it so retries do not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** What a reader of the subtasks would notice first; not a grade of their quality. */
export function checksOf(context: StoryContext, options: GenerateOptions, result: GenerationResult): Check[] {
  const { count, effortScale } = resolveOptions(options);
  const subtasks = result.subtasks;
  const criteria = acceptanceCriteriaOf(context);
  const covered = new Set(subtasks.flatMap((subtask) => subtask.acceptanceCriteria));
  const uncovered = criteria.filter((criterion) => !covered.has(criterion));
  const keys = subtasks.map((subtask) => duplicateKey(subtask.title));
  const existing = new Set(context.existingChildren.map((child) => duplicateKey(child.title)));
  const repeated = subtasks.filter((subtask, index) => keys.indexOf(keys[index]!) !== index || existing.has(keys[index]!));
  const codes = subtasks.map((subtask) => subtask.code);
  const badDependencies = subtasks.filter((subtask, index) => subtask.dependsOn.some((code) => !codes.slice(0, index).includes(code)));
  const effortOk = (effort: string) => (effortScale === "hours" ? /^\d+(\.5)?h$/.test(effort) : (TSHIRT_SIZES as readonly string[]).includes(effort));
  const badEfforts = subtasks.filter((subtask) => !effortOk(subtask.effort));
  const text = subtasks.map((subtask) => `${subtask.title}\n${subtask.description}`).join("\n");
  const mentions = text.match(/<!(channel|here|everyone)>|@(channel|here|everyone)\b/gi) ?? [];
  return [
    { name: `count within ${count.min}–${count.max}`, ok: subtasks.length >= count.min && subtasks.length <= count.max, detail: `${subtasks.length}` },
    { name: "every acceptance criterion covered", ok: uncovered.length === 0, detail: uncovered.map((criterion) => `missing: ${criterion}`).join("; ") },
    { name: "no duplicates (of each other or existing children)", ok: repeated.length === 0, detail: repeated.map((subtask) => subtask.title).join("; ") },
    { name: "dependencies on earlier subtasks only", ok: badDependencies.length === 0, detail: badDependencies.map((subtask) => subtask.code).join(", ") },
    { name: `effort on the ${effortScale} scale`, ok: badEfforts.length === 0, detail: badEfforts.map((subtask) => `${subtask.code}=${subtask.effort}`).join(", ") },
    { name: "no mass mentions", ok: mentions.length === 0, detail: mentions.join(", ") },
  ];
}

export async function runEval(deps: EvalDeps, files: readonly string[], efforts: readonly (ReasoningEffort | undefined)[]): Promise<EvalRow[]> {
  const { print, logger } = deps;
  // One engine per level: the level is the model client's, as ANTHROPIC_EFFORT is for the bot.
  const engines = efforts.map((effort) => {
    const client = createAnthropicModelClient(
      { ...deps.anthropic, effort: effort ?? deps.anthropic.effort },
      { logger, ...(deps.sleep ? { sleep: deps.sleep } : {}) },
    );
    return { effort, client, generator: createSubtaskGenerator({ client, logger }) };
  });
  const priceNote = engines[0]?.client?.priceKnown ? "estimate" : `rough estimate: ${deps.anthropic.model} is not in the price table`;

  const rows: EvalRow[] = [];
  for (const file of files) {
    const { context, options } = await loadStoryContextFile(file);
    print(`━━ ${context.key} ${context.title}  (${path.basename(file)})`);
    for (const { effort, generator } of engines) {
      if (engines.length > 1) print(`  ── effort ${effortLabel(effort, deps.anthropic.effort)}`);
      try {
        const result = await generator.generate(context, options);
        for (const subtask of result.subtasks) {
          const after = subtask.dependsOn.length > 0 ? `  after ${subtask.dependsOn.join(", ")}` : "";
          print(`  ${subtask.code.padEnd(5)} [${subtask.effort}] ${subtask.title}${after}`);
          print(`        covers ${subtask.acceptanceCriteria.length} criteria; ${subtask.description.split("\n")[0]}`);
        }
        const u = result.usage;
        print(
          `  tokens ${result.tokensUsed} (in ${u.inputTokens}, out ${u.outputTokens}, cache read ${u.cacheReadTokens}, cache write ${u.cacheWriteTokens})` +
            `  cost $${result.costUsd.toFixed(4)} (${priceNote})  ${(result.durationMs / 1000).toFixed(1)} s`,
        );
        let problems = 0;
        for (const check of checksOf(context, options, result)) {
          if (!check.ok) problems += 1;
          print(`  ${check.ok ? "✓" : "✗"} ${check.name}${check.detail ? `: ${check.detail}` : ""}`);
        }
        rows.push({
          story: context.key,
          effort,
          subtasks: result.subtasks.length,
          tokens: result.tokensUsed,
          costUsd: result.costUsd,
          durationMs: Math.round(result.durationMs),
          problems,
        });
      } catch (error) {
        print(`  ✗ failed: ${(error as Error).name}: ${(error as Error).message}`);
        rows.push({ story: context.key, effort, subtasks: null, tokens: null, costUsd: null, durationMs: null, problems: 1 });
      }
    }
    print("");
  }
  return rows;
}
