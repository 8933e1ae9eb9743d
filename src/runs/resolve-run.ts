// Turns a run's references into stories: epics expand, tracker items are mirrored as Epic and
// Story rows, and one RunStory (PENDING) and one job per story are created. Runs as a queue job
// so the command that started the run never waits on a tracker.
import { isAppError } from "../errors/app-error.ts";
import type { Logger } from "../log/logger.ts";
import type { Trackers } from "../trackers/create-trackers.ts";
import { trackerRegistry } from "../trackers/registry.ts";
import type { TrackerItemSummary, TrackerKind, TrackerName, TrackerRef, TrackerStory } from "../trackers/types.ts";
import type { RunEvents } from "./events.ts";
import type { StoryAdmission } from "./ports.ts";
import type { RunQueue } from "./queue.ts";
import { parseRunOptions, parseRunTargets } from "./run-options.ts";
import type { RecordedStoryJob, ResolvedRef, RunRow, RunStore } from "./store.ts";
import { chunks } from "../collections/chunks.ts";

export interface ResolverDeps {
  readonly store: RunStore;
  readonly queue: RunQueue;
  readonly events: RunEvents;
  readonly logger: Logger;
  readonly trackers: Trackers;
  /** Most stories one epic contributes to a run. */
  readonly epicStoryLimit: number;
  /** Resolves a stories run (GENERATE_STORIES); see runs/epics/resolve-epics.ts. */
  readonly resolveStoriesRun: (run: RunRow) => Promise<void>;
  /** Which stories a person's run may include; absent: all. */
  readonly admission?: StoryAdmission;
}

/** The batch reads of a run's start (see planReads). */
interface ReadPlan {
  readonly unread: { readonly kind: TrackerKind; readonly stories: readonly TrackerItemSummary[] }[];
  readonly batches: {
    readonly name: TrackerName;
    readonly kind: TrackerKind;
    readonly read: (chunk: readonly TrackerItemSummary[]) => Promise<TrackerStory[]>;
    readonly chunks: readonly (readonly TrackerItemSummary[])[];
  }[];
}

export function createRunResolver(deps: ResolverDeps) {
  const { store, logger } = deps;

  async function expandAll(targets: readonly TrackerRef[], singleStory: boolean): Promise<{ resolved: ResolvedRef[]; problems: string[] }> {
    const resolved: ResolvedRef[] = [];
    const problems: string[] = [];
    for (const ref of targets) {
      const tracker = deps.trackers[ref.tracker];
      if (!tracker) {
        problems.push(`${ref.input}: ${trackerRegistry[ref.tracker].displayName} is not configured on this bot`);
        continue;
      }
      try {
        const expansion = await tracker.expand(ref, { limit: deps.epicStoryLimit });
        if (singleStory && expansion.epic) {
          const count = expansion.stories.length;
          problems.push(`${expansion.epic.key} is an epic (${count} ${count === 1 ? "story" : "stories"}); this run plans the subtasks of one story`);
          continue;
        }
        if (expansion.message) problems.push(expansion.message);
        if (expansion.stories.length === 0) problems.push(`${ref.input}: no stories found`);
        resolved.push({ ref, expansion });
      } catch (error) {
        // A reference that cannot work (not found, no access) is reported; others still run.
        // Transient failures (rate limits, outages) fail the job, which pg-boss retries.
        if (isAppError(error) && !error.retryable) problems.push(`${ref.input}: ${error.message}`);
        else throw error;
      }
    }
    return { resolved, problems };
  }

  /**
   * How the run's stories are read at its start: the stories of trackers that read in batches,
   * in batches of as many as one request reads; the others (and a lone story, which gains
   * nothing: its step reads it in one request, which on Linear brings its team's context for
   * creating sub-issues too, where a batch read leaves that to a request more) not at all.
   */
  function planReads(resolved: readonly ResolvedRef[]): ReadPlan {
    const byTracker = Map.groupBy(
      resolved.flatMap(({ ref, expansion }) => expansion.stories.map((story) => ({ tracker: ref.tracker, story }))),
      (item) => item.tracker,
    );
    const plan: ReadPlan = { unread: [], batches: [] };
    for (const [name, items] of byTracker) {
      const tracker = deps.trackers[name];
      const kind = trackerRegistry[name].kind;
      const stories = items.map((item) => item.story);
      if (!tracker?.readStories || stories.length < 2) {
        plan.unread.push({ kind, stories });
        continue;
      }
      plan.batches.push({ name, kind, read: (chunk) => tracker.readStories!(chunk), chunks: chunks(stories, tracker.storiesPerRead ?? stories.length) });
    }
    return plan;
  }

  /**
   * Keeps what each batch read saw, so that each story's step need not read its story again, and
   * enqueues each story's job as soon as its story is read: the first stories start after one
   * read, not after the whole epic's (a 500-story Linear epic is ten reads). Best effort: a story
   * not read here is read by its own step, and its job is sent all the same. `firstRead` is the
   * plan's first batch, read already (while the stories were recorded).
   */
  async function sendAsRead(plan: ReadPlan, started: readonly RecordedStoryJob[], firstRead: Promise<TrackerStory[]> | null): Promise<void> {
    const jobKey = (kind: TrackerKind, trackerId: string) => `${kind}:${trackerId}`;
    const jobs = new Map(started.map((job) => [jobKey(job.tracker, job.trackerId), job]));
    const send = async (kind: TrackerKind, items: readonly TrackerItemSummary[]) => {
      const batch = items.flatMap((item) => {
        const key = jobKey(kind, item.id);
        const job = jobs.get(key);
        jobs.delete(key);
        return job ? [job] : [];
      });
      await deps.queue.sendStories(batch);
    };
    // Stories no batch read brings start at once.
    for (const { kind, stories } of plan.unread) await send(kind, stories);
    for (const [index, batch] of plan.batches.entries()) {
      let reading = true;
      for (const [chunkIndex, chunk] of batch.chunks.entries()) {
        if (reading) {
          try {
            const read = index === 0 && chunkIndex === 0 && firstRead ? firstRead : batch.read(chunk);
            await store.saveStorySnapshots(batch.kind, await read);
          } catch (error) {
            // The rest would most likely fail alike (an outage, a rate limit): they start unread.
            reading = false;
            const left = batch.chunks.slice(chunkIndex).reduce((sum, rest) => sum + rest.length, 0);
            logger.warn({ err: error, tracker: batch.name, stories: left }, "stories not read ahead; each story's step reads its own");
          }
        }
        await send(batch.kind, chunk);
      }
    }
    // Whatever is left (none, unless a story was recorded that no reference listed).
    await deps.queue.sendStories([...jobs.values()]);
  }

  /** The stories the run may include (an epic the run may not show takes its stories with it). */
  async function admit(
    run: { trigger: string; requestedBy: string; slackChannel: string | null },
    resolved: readonly ResolvedRef[],
  ): Promise<{ resolved: ResolvedRef[]; leftOut: number }> {
    if (!deps.admission) return { resolved: [...resolved], leftOut: 0 };
    const kept: ResolvedRef[] = [];
    let leftOut = 0;
    for (const item of resolved) {
      const tracker = item.ref.tracker;
      const { epic, stories } = item.expansion;
      const items = [...(epic ? [epic] : []), ...stories].map((story) => ({ tracker, key: story.key }));
      const answers = await deps.admission.admit(run, items);
      if (epic && !answers[0]) {
        leftOut += stories.length;
        continue;
      }
      const storyAnswers = epic ? answers.slice(1) : answers;
      const allowed = stories.filter((_, index) => storyAnswers[index]);
      leftOut += stories.length - allowed.length;
      if (allowed.length > 0) kept.push({ ref: item.ref, expansion: { ...item.expansion, stories: allowed } });
    }
    return { resolved: kept, leftOut };
  }

  async function resolveRun(runId: string): Promise<void> {
    const run = await store.loadRun(runId);
    if (!run) return;
    if (run.type === "GENERATE_STORIES") return deps.resolveStoriesRun(run);
    if (run.status === "RUNNING") {
      // A retry after a crash between creating the stories and enqueueing them: enqueue again
      // (job ids are deterministic, so jobs that exist are not duplicated).
      await deps.queue.sendStories(await store.unstartedStoryJobs(runId));
      return;
    }
    if (run.status !== "QUEUED") return;

    const { instruction, singleStory } = parseRunOptions(run.options);
    const expanded = await expandAll(parseRunTargets(run.options), singleStory === true);
    const { resolved, leftOut } = await admit(run, expanded.resolved);
    const problems = [...expanded.problems];
    // Counted, never named: the person may not learn which stories exist there.
    if (leftOut > 0) problems.push(`${leftOut} ${leftOut === 1 ? "story was" : "stories were"} left out: not allowed in this channel, or not one you can open in the tracker`);
    const storyCount = resolved.reduce((sum, item) => sum + item.expansion.stories.length, 0);
    if (storyCount === 0) {
      const reason = problems.join("; ") || "nothing to do: no stories found";
      if (await store.failRun(runId, reason)) {
        logger.warn({ runId, reason }, "run failed: no stories");
        const progress = await store.loadRunProgress(runId);
        if (progress) deps.events.runCompleted(progress.run, progress.stories);
      }
      return;
    }

    const plan = planReads(resolved);
    // The first batch is read while the stories are recorded: the run's first stories start a
    // read sooner. (Its outcome is awaited, or dropped with the run, so a failure is never unhandled.)
    const first = plan.batches[0];
    const firstRead = first ? first.read(first.chunks[0]!) : null;
    firstRead?.catch(() => undefined);
    const started = await store.recordRunStories(runId, resolved, problems, instruction ? [instruction] : []);
    if (!started) return;
    await sendAsRead(plan, started, firstRead);
    logger.info({ runId, stories: started.length, notes: problems }, "run started");
    // Every story of the run with its subtasks: read only for someone who shows it (the Slack
    // thread, the Linear session), not while the run's first stories start without one.
    if (!deps.events.wants("onRunStarted")) return;
    const progress = await store.loadRunProgress(runId);
    if (progress) deps.events.runStarted(progress.run, progress.stories);
  }

  return { resolveRun };
}
