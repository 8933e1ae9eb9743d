// What each CLI command does, with its output and its dependencies passed in, so tests drive
// it in-process. The entry (cli/main.ts) builds the real dependencies.
import type { Config } from "../config/config.ts";
import { isAppError } from "../errors/app-error.ts";
import type { CountRange, SubtaskGenerator } from "../generation/types.ts";
import { loadStoryContextFile } from "../generation/story-file.ts";
import type { RunProgress } from "../runs/progress.ts";
import type { RunService } from "../runs/service.ts";
import type { EpicProgress, RunSummary } from "../runs/types.ts";
import { isFinalStory, isRunOver } from "../runs/states.ts";
import { parseRef } from "../trackers/parse-ref.ts";
import type { TrackerRef } from "../trackers/types.ts";
import { referenceOptions } from "../config/config.ts";
import { formatCost, formatDuration, renderTable } from "./table.ts";

export const EXIT_OK = 0;
export const EXIT_STORIES_FAILED = 1;
export const EXIT_USAGE = 2;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** Keys and links → refs; a reference that cannot work is a usage error (exit 2). */
export function parseRefs(refs: readonly string[], config: Config, output: Output): TrackerRef[] | null {
  const parsed: TrackerRef[] = [];
  for (const ref of refs) {
    try {
      parsed.push(parseRef(ref, referenceOptions(config)));
    } catch (error) {
      output.err(`subtasks: ${isAppError(error) ? error.message : String(error)}`);
      return null;
    }
  }
  return parsed;
}

export function storiesTable(progress: RunProgress): string {
  return renderTable(
    ["story", "status", "subtasks", "tokens", "cost", "note"],
    progress.stories.map((story) => [
      story.storyKey,
      story.status,
      String(story.subtasks.length),
      story.tokensUsed === null ? "-" : String(story.tokensUsed),
      formatCost(story.costUsd),
      story.errorMsg ?? "",
    ]),
  );
}

function runFooter(progress: RunProgress): string {
  const run = progress.run;
  return [
    `run ${run.runId}: ${run.status}`,
    `${run.storiesDone} done, ${run.storiesFailed} failed, ${run.storiesSkipped} skipped`,
    `${run.subtasksCreated} created, ${run.subtasksDeleted} deleted`,
    `${run.tokensUsed} tokens`,
    `~${formatCost(run.costUsd)} (estimate)`,
    formatDuration(run.durationMs),
  ].join(" · ");
}

function exitCodeOf(progress: RunProgress): number {
  return progress.run.status === "COMPLETED" ? EXIT_OK : EXIT_STORIES_FAILED;
}

export interface GenerateDeps {
  readonly runs: RunService;
  readonly requestedBy: string;
  readonly output: Output;
  /** How often the run's state is read while waiting (another process may finish it). */
  readonly pollMs?: number;
}

/** Starts a run on the refs and waits for it, printing each story as it finishes. */
export async function generateCommand(
  deps: GenerateDeps,
  refs: readonly TrackerRef[],
  options: { what?: "subtasks" | "stories"; dryRun: boolean; count?: CountRange; instruction?: string; thenSubtasks?: boolean },
): Promise<number> {
  const { runs, output } = deps;
  const stories = options.what === "stories";
  const result = await runs.startRun({
    type: stories ? "GENERATE_STORIES" : "GENERATE_SUBTASKS",
    trigger: "CLI",
    refs,
    requestedBy: deps.requestedBy,
    options: {
      ...(options.dryRun ? { dryRun: true } : {}),
      ...(options.count ? { count: options.count } : {}),
      ...(options.instruction ? { instruction: options.instruction } : {}),
      ...(options.thenSubtasks ? { thenSubtasks: true } : {}),
    },
  });
  if (result.duplicate || !result.runId) throw new Error("the run was not recorded");
  const runId = result.runId;
  output.err(`run ${runId} started${options.dryRun ? " (dry run: nothing is created)" : ""}`);
  if (stories) return waitForStoriesRun(deps, runId, options.dryRun);
  return waitForRun(deps, runId, options.dryRun);
}

/** Waits for a subtasks run, printing each story as it finishes, then the run's table. */
async function waitForRun(deps: GenerateDeps, runId: string, dryRun: boolean): Promise<number> {
  const { runs, output } = deps;
  const options = { dryRun };
  const reported = new Set<string>();
  const unsubscribe = runs.observe({
    onStoryUpdate: (story) => {
      if (story.runId !== runId || !isFinalStory(story.status) || reported.has(story.runStoryId)) return;
      reported.add(story.runStoryId);
      output.err(`  ${story.storyKey}: ${story.status.toLowerCase()}${story.errorMsg ? ` (${story.errorMsg})` : ` (${story.subtasks.length} subtasks)`}`);
    },
  });
  try {
    for (;;) {
      const progress = await runs.loadRunProgress(runId);
      if (progress && isRunOver(progress.run.status)) {
        output.out(storiesTable(progress));
        if (options.dryRun) {
          for (const story of progress.stories) {
            if (story.subtasks.length === 0) continue;
            output.out(`\n${story.storyKey} ${story.storyTitle}`);
            for (const subtask of story.subtasks) output.out(`  ${subtask.code}  ${subtask.title}${subtask.effort ? ` (${subtask.effort})` : ""}`);
          }
        }
        if (progress.run.errorMsg) output.err(`note: ${progress.run.errorMsg}`);
        output.out(`\n${runFooter(progress)}`);
        return exitCodeOf(progress);
      }
      await new Promise((resolve) => setTimeout(resolve, deps.pollMs ?? 500));
    }
  } finally {
    unsubscribe();
  }
}

/** Waits for a stories run, then prints each epic's stories (and waits for chained subtasks runs). */
async function waitForStoriesRun(deps: GenerateDeps, runId: string, dryRun: boolean): Promise<number> {
  const { runs, output } = deps;
  const unsubscribe = runs.observe({
    onEpicUpdate: (epic) => {
      if (epic.runId !== runId || !["COMPLETED", "FAILED", "SKIPPED"].includes(epic.status)) return;
      output.err(`  ${epic.epicKey}: ${epic.status.toLowerCase()}${epic.errorMsg ? ` (${epic.errorMsg})` : ` (${epic.stories.length} stories)`}`);
    },
  });
  try {
    for (;;) {
      const progress = await runs.loadRunProgress(runId);
      if (progress && isRunOver(progress.run.status)) {
        const epics = await runs.loadEpicsOfRun(runId);
        output.out(epicsTable(epics));
        printEpicStories(epics, output);
        if (progress.run.errorMsg) output.err(`note: ${progress.run.errorMsg}`);
        output.out(`\n${storiesRunFooter(progress.run)}${dryRun ? " · dry run: nothing was created" : ""}`);
        let code = exitCodeOf(progress);
        for (const chained of epics.flatMap((epic) => (epic.chainedRunId ? [epic.chainedRunId] : []))) {
          output.err(`subtasks run ${chained} breaks the new stories down`);
          code = Math.max(code, await waitForRun(deps, chained, false));
        }
        return code;
      }
      await new Promise((resolve) => setTimeout(resolve, deps.pollMs ?? 500));
    }
  } finally {
    unsubscribe();
  }
}

export function epicsTable(epics: readonly EpicProgress[]): string {
  return renderTable(
    ["epic", "status", "stories", "created", "tokens", "cost", "note"],
    epics.map((epic) => [
      epic.epicKey,
      epic.status,
      String(epic.stories.length),
      String(epic.storiesCreated),
      epic.tokensUsed === null ? "-" : String(epic.tokensUsed),
      formatCost(epic.costUsd),
      epic.errorMsg ?? "",
    ]),
  );
}

function printEpicStories(epics: readonly EpicProgress[], output: Output): void {
  for (const epic of epics) {
    if (epic.stories.length === 0) continue;
    output.out(`\n${epic.epicKey} ${epic.epicTitle}${epic.epicUrl ? `  ${epic.epicUrl}` : ""}`);
    for (const story of epic.stories) {
      const points = story.points === null ? "" : ` (${story.points} pt)`;
      const after = story.dependsOn.length > 0 ? ` after ${story.dependsOn.join(", ")}` : "";
      output.out(`  ${story.code}  ${story.key ?? "-"}  ${story.title}${points}${after}`);
      for (const criterion of story.acceptanceCriteria) output.out(`        - ${criterion}`);
    }
  }
}

function storiesRunFooter(run: RunSummary): string {
  return [
    `run ${run.runId}: ${run.status}`,
    `${run.epicsDone} epics done, ${run.epicsFailed} failed, ${run.epicsSkipped} skipped`,
    `${run.storiesCreated} stories created, ${run.storiesDeleted} replaced`,
    `${run.tokensUsed} tokens`,
    `~${formatCost(run.costUsd)} (estimate)`,
    formatDuration(run.durationMs),
  ].join(" · ");
}

/** Generates for a story file without any tracker or database. */
export async function generateFileCommand(
  generator: SubtaskGenerator,
  file: string,
  count: CountRange | undefined,
  output: Output,
): Promise<number> {
  const story = await loadStoryContextFile(file);
  const result = await generator.generate(story.context, { ...story.options, ...(count ? { count } : {}) });
  output.out(
    renderTable(
      ["code", "effort", "title", "depends on"],
      result.subtasks.map((s) => [s.code, s.effort, s.title, s.dependsOn.join(", ")]),
    ),
  );
  output.out(`\n${story.context.key}: ${result.subtasks.length} subtasks · ${result.tokensUsed} tokens · ~${formatCost(result.costUsd)} (estimate) · ${result.model}`);
  return EXIT_OK;
}

export async function runsCommand(runs: RunService, limit: number, output: Output): Promise<number> {
  const list = await runs.listRuns({ limit });
  if (list.length === 0) {
    output.out("no runs yet");
    return EXIT_OK;
  }
  output.out(
    renderTable(
      ["run", "created", "kind", "status", "trigger", "by", "refs", "created", "tokens", "cost"],
      list.map((run) => [
        run.runId,
        run.createdAt.toISOString().replace("T", " ").slice(0, 19),
        run.type === "GENERATE_STORIES" ? "stories" : "subtasks",
        run.status,
        run.trigger.toLowerCase().replace("_", " "),
        run.requestedByName ?? run.requestedBy,
        run.refs.join(" "),
        run.type === "GENERATE_STORIES" ? `${run.storiesCreated} stories` : `${run.subtasksCreated} subtasks`,
        String(run.tokensUsed),
        formatCost(run.costUsd),
      ]),
    ),
  );
  return EXIT_OK;
}

export async function showCommand(runs: RunService, runId: string, output: Output): Promise<number> {
  const progress = await runs.loadRunProgress(runId);
  if (!progress) {
    output.err(`subtasks: no run ${runId}`);
    return EXIT_USAGE;
  }
  const run = progress.run;
  output.out(`run ${run.runId} · ${run.status} · ${run.trigger.toLowerCase().replace("_", " ")} by ${run.requestedByName ?? run.requestedBy} · ${run.createdAt.toISOString()}`);
  output.out(`asked for: ${run.refs.join(" ")}${run.options.dryRun ? " (dry run)" : ""}${run.options.review ? " (review)" : ""}`);
  if (run.errorMsg) output.out(`note: ${run.errorMsg}`);
  output.out("");
  if (run.type === "GENERATE_STORIES") {
    const epics = await runs.loadEpicsOfRun(runId);
    output.out(epicsTable(epics));
    printEpicStories(epics, output);
    output.out(`\n${storiesRunFooter(run)}`);
    return run.status === "FAILED" || run.status === "PARTIAL" ? EXIT_STORIES_FAILED : EXIT_OK;
  }
  output.out(storiesTable(progress));
  for (const story of progress.stories) {
    if (story.subtasks.length === 0) continue;
    output.out(`\n${story.storyKey} ${story.storyTitle}${story.storyUrl ? `  ${story.storyUrl}` : ""}`);
    for (const subtask of story.subtasks) {
      output.out(`  ${subtask.code}  ${subtask.key ?? "-"}  ${subtask.title}${subtask.effort ? ` (${subtask.effort})` : ""}`);
    }
  }
  output.out(`\n${runFooter(progress)}`);
  return run.status === "FAILED" || run.status === "PARTIAL" ? EXIT_STORIES_FAILED : EXIT_OK;
}
