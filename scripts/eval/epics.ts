// The eval's epics: each fixture epic through the real stories engine on the configured model;
// prints the stories with their criteria, and per epic the stories, the criteria per story and
// the duplicates found (answers that repeated an existing story or each other, which the engine
// dropped, and any that got through).
import path from "node:path";
import type { AnthropicConfig } from "../../src/config/config.ts";
import { createAnthropicModelClient, createStoryGenerator } from "../../src/generation/index.ts";
import { loadEpicFile } from "../../src/generation/stories/epic-file.ts";
import { ADAPTIVE_STORY_COUNT } from "../../src/generation/stories/task.ts";
import type { EpicContext, GenerateStoriesOptions, StoriesResult } from "../../src/generation/stories/types.ts";
import { duplicateKey } from "../../src/generation/title.ts";
import type { Logger } from "../../src/log/logger.ts";

export interface EpicEvalDeps {
  readonly anthropic: AnthropicConfig;
  readonly logger: Logger;
  readonly print: (line: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface EpicEvalRow {
  readonly epic: string;
  /** null: the epic failed. */
  readonly stories: number | null;
  readonly criteriaPerStory: number | null;
  /** Duplicates the engine dropped plus any that got through. */
  readonly duplicates: number | null;
  readonly tokens: number | null;
  readonly costUsd: number | null;
  readonly problems: number;
}

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

/** What a product manager would notice first; not a grade of the stories' quality. */
export function epicChecksOf(context: EpicContext, options: GenerateStoriesOptions, result: StoriesResult): Check[] {
  const count = options.count && options.count !== "adaptive" ? options.count : ADAPTIVE_STORY_COUNT;
  const stories = result.stories;
  const existing = new Set(context.existingStories.map((story) => duplicateKey(story.title)));
  const keys = stories.map((story) => duplicateKey(story.title));
  const repeated = stories.filter((_, index) => keys.indexOf(keys[index]!) !== index || existing.has(keys[index]!));
  const badCriteria = stories.filter((story) => story.acceptanceCriteria.length < 2 || story.acceptanceCriteria.length > 6);
  const longTitles = stories.filter((story) => story.title.length > 120);
  const offScale = context.pointScale ? stories.filter((story) => story.points === null || !context.pointScale!.includes(story.points)) : stories.filter((story) => story.points !== null);
  const text = stories.map((story) => `${story.title}\n${story.description}\n${story.acceptanceCriteria.join("\n")}`).join("\n");
  const mentions = text.match(/<!(channel|here|everyone)>|@(channel|here|everyone)\b/gi) ?? [];
  return [
    { name: `count within ${count.min}–${count.max}`, ok: stories.length >= count.min && stories.length <= count.max, detail: `${stories.length}` },
    { name: "2 to 6 criteria per story", ok: badCriteria.length === 0, detail: badCriteria.map((story) => `${story.code}=${story.acceptanceCriteria.length}`).join(", ") },
    { name: "titles under 120 characters", ok: longTitles.length === 0, detail: longTitles.map((story) => story.code).join(", ") },
    { name: context.pointScale ? "points on the team's scale" : "no points without a scale", ok: offScale.length === 0, detail: offScale.map((story) => `${story.code}=${story.points}`).join(", ") },
    { name: "no duplicates left (of each other or the epic's stories)", ok: repeated.length === 0, detail: repeated.map((story) => story.title).join("; ") },
    { name: "no mass mentions", ok: mentions.length === 0, detail: mentions.join(", ") },
  ];
}

export async function runEpicsEval(deps: EpicEvalDeps, files: readonly string[]): Promise<EpicEvalRow[]> {
  const { print, logger } = deps;
  const client = createAnthropicModelClient(deps.anthropic, { logger, ...(deps.sleep ? { sleep: deps.sleep } : {}) });
  const generator = createStoryGenerator({ client, logger });
  const rows: EpicEvalRow[] = [];
  for (const file of files) {
    const { context, options } = await loadEpicFile(file);
    print(`━━ epic ${context.key} ${context.title}  (${path.basename(file)})`);
    try {
      const result = await generator.generate(context, options);
      for (const story of result.stories) {
        const points = story.points === null ? "" : ` [${story.points} pt]`;
        const after = story.dependsOn.length > 0 ? `  after ${story.dependsOn.join(", ")}` : "";
        print(`  ${story.code.padEnd(4)}${points} ${story.title}${after}`);
        for (const criterion of story.acceptanceCriteria) print(`        - ${criterion}`);
      }
      for (const dropped of result.dropped) print(`  dropped (${dropped.reason.replaceAll("_", " ")}): ${dropped.title}`);
      const checks = epicChecksOf(context, options, result);
      const problems = checks.filter((check) => !check.ok).length;
      for (const check of checks) print(`  ${check.ok ? "✓" : "✗"} ${check.name}${check.detail ? `: ${check.detail}` : ""}`);
      const criteria = result.stories.reduce((sum, story) => sum + story.acceptanceCriteria.length, 0);
      const leftIn = checks.find((check) => check.name.startsWith("no duplicates"))!.ok ? 0 : 1;
      const duplicates = result.dropped.filter((dropped) => dropped.reason !== "over_maximum").length + leftIn;
      print(`  ${result.stories.length} stories · ${(criteria / Math.max(1, result.stories.length)).toFixed(1)} criteria per story · ${duplicates} duplicates found · tokens ${result.tokensUsed} · $${result.costUsd.toFixed(4)} · ${(result.durationMs / 1000).toFixed(1)} s`);
      rows.push({
        epic: context.key,
        stories: result.stories.length,
        criteriaPerStory: result.stories.length > 0 ? criteria / result.stories.length : 0,
        duplicates,
        tokens: result.tokensUsed,
        costUsd: result.costUsd,
        problems,
      });
    } catch (error) {
      print(`  ✗ failed: ${(error as Error).name}: ${(error as Error).message}`);
      rows.push({ epic: context.key, stories: null, criteriaPerStory: null, duplicates: null, tokens: null, costUsd: null, problems: 1 });
    }
    print("");
  }
  return rows;
}

/** Stories per epic, criteria per story and duplicates found, one line per epic. */
export function renderEpicsReport(rows: readonly EpicEvalRow[]): string {
  const lines = ["epic          stories  criteria/story  duplicates  tokens   cost"];
  for (const row of rows) {
    const cell = (value: number | null, digits = 0) => (value === null ? "failed" : value.toFixed(digits));
    lines.push(
      `${row.epic.padEnd(13)} ${cell(row.stories).padStart(7)}  ${cell(row.criteriaPerStory, 1).padStart(14)}  ${cell(row.duplicates).padStart(10)}  ${cell(row.tokens).padStart(6)}  ${row.costUsd === null ? "failed" : `$${row.costUsd.toFixed(4)}`}`,
    );
  }
  return lines.join("\n");
}
