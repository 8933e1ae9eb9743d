// Turns a run's references into stories: epics expand, tracker items are mirrored as Epic and
// Story rows, and one RunStory (PENDING) and one job per story are created. Runs as a queue job
// so the command that started the run never waits on a tracker.
import { trackerEntries, trackerRegistry } from "../trackers/registry.ts";
import type { TrackerKind, TrackerName } from "../trackers/types.ts";
import { isAppError } from "../errors/app-error.ts";
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Expansion, TrackerItemSummary, TrackerRef } from "../trackers/types.ts";
import { loadRunProgress } from "./progress.ts";
import { firstStoryJobId } from "./queue.ts";
import { parseRunTargets } from "./run-options.ts";
import type { RunWorkDeps } from "./store.ts";

export interface ResolverDeps extends RunWorkDeps {
  /** Most stories one epic contributes to a run. */
  readonly epicStoryLimit: number;
}

type Kind = TrackerKind;
const kindOf = (tracker: TrackerName): Kind => trackerRegistry[tracker].kind;

interface Resolved {
  readonly ref: TrackerRef;
  readonly expansion: Expansion;
}

export function createRunResolver(deps: ResolverDeps) {
  const { prisma, store, logger } = deps;

  async function expandAll(targets: readonly TrackerRef[]): Promise<{ resolved: Resolved[]; problems: string[] }> {
    const resolved: Resolved[] = [];
    const problems: string[] = [];
    for (const ref of targets) {
      const tracker = deps.trackers[ref.tracker];
      if (!tracker) {
        problems.push(`${ref.input}: ${trackerRegistry[ref.tracker].displayName} is not configured on this bot`);
        continue;
      }
      try {
        const expansion = await tracker.expand(ref, { limit: deps.epicStoryLimit });
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

  async function resolveRun(runId: string): Promise<void> {
    const run = await store.loadRun(runId);
    if (!run) return;
    if (run.status === "RUNNING") {
      // A retry after a crash between creating the stories and enqueueing them: enqueue again
      // (job ids are deterministic, so jobs that exist are not duplicated).
      const pending = await prisma.runStory.findMany({
        where: { runId, status: "PENDING", reviewState: null },
        select: { id: true, jobId: true },
      });
      await deps.queue.sendStories(pending.filter((story) => story.jobId).map((story) => ({ runStoryId: story.id, jobId: story.jobId! })));
      return;
    }
    if (run.status !== "QUEUED") return;

    const { resolved, problems } = await expandAll(parseRunTargets(run.options));
    const storyCount = resolved.reduce((sum, item) => sum + item.expansion.stories.length, 0);
    if (storyCount === 0) {
      const reason = problems.join("; ") || "nothing to do: no stories found";
      if (await store.failRun(runId, reason)) {
        logger.warn({ runId, reason }, "run failed: no stories");
        const progress = await loadRunProgress(prisma, runId);
        if (progress) deps.events.runCompleted(progress.run, progress.stories);
      }
      return;
    }

    const started = await prisma
      .$transaction((tx) => recordStories(tx, runId, resolved, problems))
      .catch((error: unknown) => {
        if (error instanceof AlreadyResolved) return null;
        throw error;
      });
    if (!started) return;

    await deps.queue.sendStories(started.map((row) => ({ runStoryId: row.id, jobId: row.jobId! })));
    logger.info({ runId, stories: started.length, notes: problems }, "run started");
    const progress = await loadRunProgress(prisma, runId);
    if (progress) deps.events.runStarted(progress.run, progress.stories);
  }

  return { resolveRun };
}

class AlreadyResolved extends Error {}

type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/** Story codes S1, S2… within an epic, continuing after the highest one it has. */
async function nextStoryCodes(tx: Tx, epicId: string): Promise<() => string> {
  const coded = await tx.story.findMany({ where: { epicId, code: { not: null } }, select: { code: true } });
  let highest = Math.max(0, ...coded.map((story) => Number(story.code?.replace(/^S/, "")) || 0));
  return () => `S${++highest}`;
}

/**
 * Mirrors the resolved items as Epic/Story rows and creates the run's RunEpic and RunStory
 * rows, then moves the run QUEUED → RUNNING, all in one transaction. Written in a few set-wise
 * statements, so a 200-story epic costs about as much as one story.
 */
async function recordStories(tx: Tx, runId: string, resolved: readonly Resolved[], problems: readonly string[]) {
  interface Entry {
    readonly tracker: Kind;
    readonly item: TrackerItemSummary;
    readonly epicId: string | null;
    readonly nextCode: (() => string) | null;
  }
  const entries = new Map<string, Entry>();
  for (const { ref, expansion } of resolved) {
    const tracker = kindOf(ref.tracker);
    let epicId: string | null = null;
    let nextCode: (() => string) | null = null;
    if (expansion.epic) {
      const epic = await upsertEpic(tx, tracker, expansion.epic);
      epicId = epic.id;
      nextCode = await nextStoryCodes(tx, epic.id);
      await tx.runEpic.upsert({
        where: { runId_epicId: { runId, epicId } },
        create: { runId, epicId, status: "RUNNING", storiesFound: expansion.stories.length, startedAt: new Date() },
        update: {},
      });
    }
    for (const item of expansion.stories) {
      const key = `${tracker}:${item.id}`;
      if (!entries.has(key)) entries.set(key, { tracker, item, epicId, nextCode });
    }
  }
  const list = [...entries.values()];
  const where = {
    OR: trackerEntries.map(({ kind: tracker }) => ({
      tracker,
      trackerId: { in: list.filter((entry) => entry.tracker === tracker).map((entry) => entry.item.id) },
    })),
  };
  const known = new Map((await tx.story.findMany({ where })).map((story) => [`${story.tracker}:${story.trackerId}`, story]));

  const fresh = list.filter((entry) => !known.has(`${entry.tracker}:${entry.item.id}`));
  await tx.story.createMany({
    data: fresh.map((entry) => ({
      tracker: entry.tracker,
      trackerId: entry.item.id,
      key: entry.item.key,
      title: entry.item.title,
      url: entry.item.url,
      epicId: entry.epicId,
      code: entry.nextCode?.() ?? null,
    })),
    skipDuplicates: true,
  });
  for (const entry of list) {
    const story = known.get(`${entry.tracker}:${entry.item.id}`);
    if (!story) continue;
    const moved = entry.epicId !== null && story.epicId !== entry.epicId;
    const changed = story.key !== entry.item.key || story.title !== entry.item.title || story.url !== entry.item.url;
    if (!moved && !changed) continue;
    await tx.story.update({
      where: { id: story.id },
      data: {
        key: entry.item.key,
        title: entry.item.title,
        url: entry.item.url,
        ...(moved ? { epicId: entry.epicId, code: entry.nextCode?.() ?? null } : {}),
      },
    });
  }

  const stories = new Map((await tx.story.findMany({ where, select: { id: true, tracker: true, trackerId: true } })).map((s) => [`${s.tracker}:${s.trackerId}`, s.id]));
  await tx.runStory.createMany({
    data: list.map((entry) => {
      const storyId = stories.get(`${entry.tracker}:${entry.item.id}`)!;
      // Each story's first job is recorded with it, so a duplicate job finds the story held.
      return { runId, storyId, jobId: firstStoryJobId(runId, storyId) };
    }),
  });
  const { count } = await tx.run.updateMany({
    where: { id: runId, status: "QUEUED" },
    data: {
      status: "RUNNING",
      storiesTotal: list.length,
      startedAt: new Date(),
      errorMsg: problems.length > 0 ? problems.join("; ") : null,
    },
  });
  if (count !== 1) throw new AlreadyResolved();
  return tx.runStory.findMany({ where: { runId }, select: { id: true, jobId: true }, orderBy: { createdAt: "asc" } });
}

async function upsertEpic(tx: Tx, tracker: Kind, epic: TrackerItemSummary) {
  return tx.epic.upsert({
    where: { tracker_trackerId: { tracker, trackerId: epic.id } },
    create: { tracker, trackerId: epic.id, key: epic.key, title: epic.title, url: epic.url },
    update: { key: epic.key, title: epic.title, url: epic.url },
  });
}
