// Write-back of one story's subtasks: local rows first, then the tracker, so a crash at any
// point leaves enough behind to finish without creating anything twice.
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../log/logger.ts";
import type { ItemFailure, NewSubtask, Tracker, TrackerStory } from "../trackers/types.ts";
import type { Proposal } from "../runs/types.ts";
import { subtaskClientId } from "./client-id.ts";
import { subtaskBody } from "./subtask-body.ts";

export interface WriteBackInput {
  readonly runId: string;
  /** Our Story row id. */
  readonly storyId: string;
  /** The story as the tracker shows it now (children re-read on a resumed job). */
  readonly trackerStory: TrackerStory;
  readonly proposal: Proposal;
}

export interface SyncedSubtask {
  readonly code: string;
  readonly title: string;
  readonly effort: string | null;
  readonly key: string | null;
  readonly url: string | null;
}

export interface WriteBackResult {
  /** Keys of earlier bot subtasks deleted by this call. */
  readonly deletedKeys: readonly string[];
  /** This run's subtasks of the story, in code order, with their sub-issue where it exists. */
  readonly subtasks: readonly SyncedSubtask[];
  /** Subtasks of this run that exist in the tracker now. */
  readonly syncedCount: number;
  readonly failures: readonly ItemFailure[];
}

export interface WriteBackDeps {
  readonly prisma: PrismaClient;
  readonly tracker: Tracker;
  readonly logger: Logger;
}

export async function writeBack(deps: WriteBackDeps, input: WriteBackInput): Promise<WriteBackResult> {
  const { prisma, tracker } = deps;
  const { runId, storyId, trackerStory, proposal } = input;
  const failures: ItemFailure[] = [];

  // 1. Replace the bot's untouched children. Checked again now: a person may have picked one
  //    up since the answer was generated, and then it stays.
  const present = new Map(trackerStory.children.map((child) => [child.id, child]));
  const deletable = proposal.deletions.filter((planned) => {
    const child = present.get(planned.id);
    return child !== undefined && child.createdByBot && !child.touchedByPerson;
  });
  const deletedIds = new Set<string>();
  if (deletable.length > 0) {
    const result = await tracker.deleteSubtasks(deletable.map((child) => child.id));
    for (const id of result.deleted) deletedIds.add(id);
    failures.push(...result.failed);
  }
  const deletedKeys = deletable.filter((child) => deletedIds.has(child.id)).map((child) => child.key);
  const keptIds = trackerStory.children.filter((child) => !deletedIds.has(child.id)).map((child) => child.id);

  // Local rows of earlier runs that no longer stand for a child in the tracker go too, so
  // their codes are free for the new numbering.
  await prisma.subtask.deleteMany({
    where: {
      storyId,
      OR: [{ runId: null }, { runId: { not: runId } }],
      AND: [{ OR: [{ trackerId: null }, { trackerId: { notIn: keptIds } }] }],
    },
  });

  // 2. Local rows for this run's subtasks (idempotent: a resumed job finds them there).
  const codes = proposal.subtasks.map((subtask) => subtask.code);
  const inserted = await prisma.subtask.createManyAndReturn({
    data: proposal.subtasks.map((subtask) => ({
      storyId,
      runId,
      code: subtask.code,
      title: subtask.title,
      description: subtaskBody(subtask),
      effort: subtask.effort,
    })),
    skipDuplicates: true,
  });
  // All new on a first attempt; a resumed one reads back what the earlier attempt wrote.
  const rows = inserted.length === codes.length ? inserted : await prisma.subtask.findMany({ where: { storyId, code: { in: codes } } });
  const collision = rows.find((row) => row.runId !== runId);
  if (collision) {
    throw new Error(`subtask code ${collision.code} of story ${trackerStory.key} already belongs to run ${collision.runId}`);
  }

  // 3. A crash after creating in the tracker but before recording it: the children carry our
  //    marker (run + code), so they are matched instead of created again.
  const ours = new Map(
    trackerStory.children
      .filter((child) => child.marker?.runId === runId)
      .map((child) => [child.marker!.code, child]),
  );
  for (const row of rows) {
    const child = ours.get(row.code);
    if (!row.trackerId && child) {
      await prisma.subtask.update({
        where: { id: row.id },
        data: { trackerId: child.id, trackerKey: child.key, trackerUrl: child.url, syncedAt: new Date() },
      });
      row.trackerId = child.id;
    }
  }

  // 4. Create what is still missing, in code order.
  const byCode = new Map(proposal.subtasks.map((subtask) => [subtask.code, subtask]));
  const missing: NewSubtask[] = rows
    .filter((row) => !row.trackerId)
    .sort((a, b) => codeNumber(a.code) - codeNumber(b.code))
    .map((row) => ({
      code: row.code,
      title: row.title,
      description: row.description ?? "",
      effort: byCode.get(row.code)?.effort ?? row.effort,
      marker: { runId, code: row.code },
      clientId: subtaskClientId(runId, storyId, row.code),
    }));
  const synced = new Map(
    rows.filter((row) => row.trackerId).map((row) => [row.code, { key: row.trackerKey, url: row.trackerUrl }]),
  );
  if (missing.length > 0) {
    const result = await tracker.createSubtasks(trackerStory, missing);
    if (result.created.length > 0) {
      // One statement for the whole batch rather than one update per sub-issue.
      const items = result.created;
      await prisma.$executeRaw`
        UPDATE "Subtask" s SET "trackerId" = v.id, "trackerKey" = v.key, "trackerUrl" = v.url, "syncedAt" = now()
        FROM unnest(${items.map((i) => i.code)}::text[], ${items.map((i) => i.id)}::text[],
                    ${items.map((i) => i.key)}::text[], ${items.map((i) => i.url)}::text[]) AS v(code, id, key, url)
        WHERE s."storyId" = ${storyId} AND s."runId" = ${runId} AND s.code = v.code`;
      for (const item of items) synced.set(item.code, { key: item.key, url: item.url });
    }
    failures.push(...result.failed);
  }
  const subtasks = rows
    .sort((a, b) => codeNumber(a.code) - codeNumber(b.code))
    .map((row) => ({ code: row.code, title: row.title, effort: row.effort, key: synced.get(row.code)?.key ?? null, url: synced.get(row.code)?.url ?? null }));
  deps.logger.debug({ runId, story: trackerStory.key, synced: synced.size, deleted: deletedKeys.length }, "write-back done");
  return { deletedKeys, subtasks, syncedCount: synced.size, failures };
}

function codeNumber(code: string): number {
  return Number(code.replace(/^ST/, "")) || 0;
}
