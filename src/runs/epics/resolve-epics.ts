// Resolving a stories run: each reference is read as an epic (NotAnEpic and other lasting
// problems are reported, the rest still run), mirrored as an Epic row with its RunEpic, and one
// job per epic is enqueued. Runs as the run's resolve job, like a subtasks run's resolve.
import { isAppError } from "../../errors/app-error.ts";
import type { Logger } from "../../log/logger.ts";
import type { Trackers } from "../../trackers/create-trackers.ts";
import { trackerRegistry } from "../../trackers/registry.ts";
import type { EpicRunStore, ResolvedEpic } from "../epic-store.ts";
import type { RunEvents } from "../events.ts";
import { toRunSummary } from "../progress.ts";
import type { RunQueue } from "../queue.ts";
import { parseRunOptions, parseRunTargets } from "../run-options.ts";
import type { StoryAdmission } from "../ports.ts";
import type { RunRow } from "../store.ts";

export interface EpicResolverDeps {
  readonly store: EpicRunStore;
  readonly queue: RunQueue;
  readonly events: RunEvents;
  readonly logger: Logger;
  readonly trackers: Trackers;
  /** Fails a run none of whose references could be read (the subtasks store's failRun). */
  readonly failRun: (runId: string, reason: string) => Promise<boolean>;
  /** Which epics a person's run may include (the access policy); absent: all. */
  readonly admission?: StoryAdmission;
}

export function createEpicResolver(deps: EpicResolverDeps) {
  const { store, logger } = deps;

  async function readAll(run: RunRow): Promise<{ epics: ResolvedEpic[]; problems: string[] }> {
    const epics: ResolvedEpic[] = [];
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const ref of parseRunTargets(run.options)) {
      const tracker = deps.trackers[ref.tracker];
      if (!tracker) {
        problems.push(`${ref.input}: ${trackerRegistry[ref.tracker].displayName} is not configured on this bot`);
        continue;
      }
      try {
        const epic = await tracker.readEpic(ref);
        if (seen.has(`${ref.tracker}:${epic.id}`)) continue;
        seen.add(`${ref.tracker}:${epic.id}`);
        epics.push({ ref, epic });
      } catch (error) {
        // Not an epic, not found, no access: said once; transient failures retry the job.
        if (isAppError(error) && !error.retryable) problems.push(`${ref.input}: ${error.message}`);
        else throw error;
      }
    }
    return { epics, problems };
  }

  async function resolveStoriesRun(run: RunRow): Promise<void> {
    if (run.status === "RUNNING") {
      await deps.queue.sendEpics(await store.unstartedEpicJobs(run.id));
      return;
    }
    if (run.status !== "QUEUED") return;
    const read = await readAll(run);
    const problems = [...read.problems];
    let epics = read.epics;
    if (deps.admission && epics.length > 0) {
      const answers = await deps.admission.admit(run, epics.map(({ ref, epic }) => ({ tracker: ref.tracker, key: epic.key })));
      const leftOut = answers.filter((allowed) => !allowed).length;
      epics = epics.filter((_, index) => answers[index]);
      // Counted, never named, as for stories.
      if (leftOut > 0) problems.push(`${leftOut} ${leftOut === 1 ? "epic was" : "epics were"} left out: not allowed in this channel, or not one you can open in the tracker`);
    }
    if (epics.length === 0) {
      const reason = problems.join("; ") || "nothing to do: no epics found";
      if (await deps.failRun(run.id, reason)) {
        logger.warn({ runId: run.id, reason }, "stories run failed: no epics");
        const failed = await store.loadStoriesRun(run.id);
        if (failed) deps.events.runCompleted(toRunSummary(failed), []);
      }
      return;
    }
    const { instruction } = parseRunOptions(run.options);
    const jobs = await store.recordRunEpics(run.id, epics, problems, instruction ? [instruction] : []);
    if (!jobs) return;
    await deps.queue.sendEpics(jobs);
    logger.info({ runId: run.id, epics: epics.length, notes: problems }, "stories run started");
    const started = await store.loadStoriesRun(run.id);
    if (started) deps.events.runStarted(toRunSummary(started), []);
    // Closed epics were skipped at once: a run of only closed epics is over now.
    if (jobs.length === 0) await store.completeRunIfDone(run.id);
  }

  return { resolveStoriesRun };
}
