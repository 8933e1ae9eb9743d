// Runs the generation engine on the story fixtures against the real API and prints, per story,
// the subtasks, tokens, cost and simple checks. Costs money; skipped without ANTHROPIC_API_KEY.
//   npm run eval                                   every test/fixtures/stories/*.json
//   npm run eval -- test/fixtures/stories/x.json   some of them
// Uses ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL and ANTHROPIC_MODEL like the bot; LOG_LEVEL=debug
// shows the engine's logs. Exits 1 when a story fails or a check does not hold.
import { readdir } from "node:fs/promises";
import path from "node:path";
import { parseConfig } from "../src/config/config.ts";
import { TSHIRT_SIZES } from "../src/effort/effort.ts";
import { resolveOptions } from "../src/generation/options.ts";
import { duplicateKey } from "../src/generation/title.ts";
import {
  acceptanceCriteriaOf,
  createAnthropicModelClient,
  createSubtaskGenerator,
  loadStoryContextFile,
  type GenerateOptions,
  type GenerationResult,
  type StoryContext,
} from "../src/generation/index.ts";
import { createLogger } from "../src/log/logger.ts";

const config = parseConfig(process.env);
if (!config.anthropic.apiKey) {
  console.log("eval skipped: ANTHROPIC_API_KEY is not set (the eval calls the real API and costs money).");
  process.exit(0);
}

const storiesDir = "test/fixtures/stories";
const files =
  process.argv.length > 2
    ? process.argv.slice(2)
    : (await readdir(storiesDir)).filter((file) => file.endsWith(".json")).sort().map((file) => path.join(storiesDir, file));

const logger = createLogger({ level: process.env["LOG_LEVEL"] ?? "warn", secrets: config.secrets });
const client = createAnthropicModelClient(config.anthropic, { logger });
const generator = createSubtaskGenerator({ client, logger });

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** What a reader of the subtasks would notice first; not a grade of their quality. */
function checksOf(context: StoryContext, options: GenerateOptions, result: GenerationResult): Check[] {
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

const priceNote = client?.priceKnown ? "estimate" : `rough estimate: ${config.anthropic.model} is not in the price table`;
console.log(`eval: ${files.length} stories, model ${config.anthropic.model}, base URL ${config.anthropic.baseUrl}\n`);

let failures = 0;
let totalTokens = 0;
let totalCost = 0;
for (const file of files) {
  const { context, options } = await loadStoryContextFile(file);
  console.log(`━━ ${context.key} ${context.title}  (${path.basename(file)})`);
  try {
    const result = await generator.generate(context, options);
    totalTokens += result.tokensUsed;
    totalCost += result.costUsd;
    for (const subtask of result.subtasks) {
      const after = subtask.dependsOn.length > 0 ? `  after ${subtask.dependsOn.join(", ")}` : "";
      console.log(`  ${subtask.code.padEnd(5)} [${subtask.effort}] ${subtask.title}${after}`);
      console.log(`        covers ${subtask.acceptanceCriteria.length} criteria; ${subtask.description.split("\n")[0]}`);
    }
    const u = result.usage;
    console.log(
      `  tokens ${result.tokensUsed} (in ${u.inputTokens}, out ${u.outputTokens}, cache read ${u.cacheReadTokens}, cache write ${u.cacheWriteTokens})` +
        `  cost $${result.costUsd.toFixed(4)} (${priceNote})  ${(result.durationMs / 1000).toFixed(1)} s`,
    );
    for (const check of checksOf(context, options, result)) {
      if (!check.ok) failures += 1;
      console.log(`  ${check.ok ? "✓" : "✗"} ${check.name}${check.detail ? `: ${check.detail}` : ""}`);
    }
  } catch (error) {
    failures += 1;
    console.log(`  ✗ failed: ${(error as Error).name}: ${(error as Error).message}`);
  }
  console.log("");
}

console.log(`total: ${totalTokens} tokens, $${totalCost.toFixed(4)} (${priceNote}); ${failures === 0 ? "all checks hold" : `${failures} failed check(s) or stories`}`);
process.exit(failures === 0 ? 0 : 1);
