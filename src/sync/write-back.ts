// Write-back of one story's subtasks: local rows first, then the tracker, so a crash at any
// point leaves enough behind to finish without creating anything twice; then the dependencies
// between them as the tracker's own links.
import { AppError } from "../errors/app-error.ts";
import { ErrorCode } from "../errors/codes.ts";
import type { Logger } from "../log/logger.ts";
import type { ItemFailure, NewSubtask, Tracker, TrackerStory } from "../trackers/types.ts";
import { subtaskClientId } from "./client-id.ts";
import { linkDependencies } from "./dependency-links.ts";
import type { Proposal } from "./proposal.ts";
import { subtaskBody } from "./subtask-body.ts";
import type { SubtaskLinkRow, SubtaskLinkRows } from "./subtask-links.ts";
import type { LinkedSubtask, NewSubtaskRow, SubtaskRow, SubtaskRows } from "./subtask-rows.ts";
import { codeNumber } from "../generation/codes.ts";

/**
 * A code this run is about to use already belongs to another run's subtask of the story: two
 * runs numbered from the same children. Retrying cannot help; a new run numbers afresh.
 */
export class SubtaskCodeTaken extends AppError {
  constructor(code: string, storyKey: string, otherRunId: string | null) {
    super(ErrorCode.SubtaskCodeTaken, `subtask code ${code} of story ${storyKey} already belongs to run ${otherRunId ?? "(none)"}; run the story again`);
  }
}

export interface WriteBackInput {
  readonly runId: string;
  /** Our Story row id. */
  readonly storyId: string;
  /** The story as the tracker shows it now (children re-read on a resumed job). */
  readonly trackerStory: TrackerStory;
  readonly proposal: Proposal;
  /** Step 2's rows, saved already as rowsToSaveAtOnce planned them, with the move to SAVING. */
  readonly stored?: readonly SubtaskRow[];
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
  /**
   * Dependency links the tracker made in this call, not recorded yet: the caller records them
   * with the story's outcome, in one statement (RunStore.completeStory). A call with failures,
   * after which the story does not complete, has recorded them already, and this is empty.
   */
  readonly linked: readonly SubtaskLinkRow[];
  /**
   * Sub-issues this call created, not recorded on their rows yet: recorded with the story's
   * outcome like `linked`. Until then a resumed job finds them by their marker (step 3).
   */
  readonly created: readonly LinkedSubtask[];
  /** Why the tracker made no dependency links at all (a Jira site without "Blocks"); null when it can. */
  readonly linksUnavailable: string | null;
}

export interface WriteBackDeps {
  readonly rows: SubtaskRows & SubtaskLinkRows;
  readonly tracker: Tracker;
  readonly logger: Logger;
}

/** The bot's untouched children the proposal replaces that are still there: step 1 deletes them. */
function childrenToDelete(story: TrackerStory, proposal: Proposal): TrackerStory["children"] {
  const present = new Map(story.children.map((child) => [child.id, child]));
  return proposal.deletions.flatMap((planned) => {
    const child = present.get(planned.id);
    return child !== undefined && child.createdByBot && !child.touchedByPerson ? [child] : [];
  });
}

/** The local rows of the proposal's subtasks (step 2). */
function subtaskRowsOf(proposal: Proposal): NewSubtaskRow[] {
  return proposal.subtasks.map((subtask) => ({ code: subtask.code, title: subtask.title, description: subtaskBody(subtask), effort: subtask.effort }));
}

/**
 * Step 2's rows and the children it keeps, when they are known before the write-back starts:
 * for a breakdown whose step 1 deletes nothing (a story's first, or one whose earlier sub-issues
 * all stay). The caller can then save them in the statement that moves the story to SAVING
 * (RunStore.startSavingWithRows) and pass them as `stored`. Null when step 1 has work to do.
 */
export function rowsToSaveAtOnce(story: TrackerStory, proposal: Proposal): { keptTrackerIds: string[]; rows: NewSubtaskRow[] } | null {
  if (proposal.verdict !== "breakdown" || childrenToDelete(story, proposal).length > 0) return null;
  return { keptTrackerIds: story.children.map((child) => child.id), rows: subtaskRowsOf(proposal) };
}

export async function writeBack(deps: WriteBackDeps, input: WriteBackInput): Promise<WriteBackResult> {
  const { tracker } = deps;
  const { runId, storyId, trackerStory, proposal } = input;
  const failures: ItemFailure[] = [];

  // 1. Replace the bot's untouched children. Checked again now: a person may have picked one
  //    up since the answer was generated, and then it stays.
  const deletable = childrenToDelete(trackerStory, proposal);
  const deletedIds = new Set<string>();
  if (deletable.length > 0) {
    const result = await tracker.deleteSubtasks(deletable.map((child) => child.id));
    for (const id of result.deleted) deletedIds.add(id);
    failures.push(...result.failed);
  }
  const deletedKeys = deletable.filter((child) => deletedIds.has(child.id)).map((child) => child.key);
  const keptIds = trackerStory.children.filter((child) => !deletedIds.has(child.id)).map((child) => child.id);

  // 2. Local rows for this run's subtasks (idempotent: a resumed job finds them there). Rows of
  //    earlier runs that no longer stand for a child in the tracker go first, so their codes are
  //    free for the new numbering.
  //    Saved already, with the move to SAVING, when step 1 had nothing to delete (rowsToSaveAtOnce).
  const stored = input.stored && deletable.length === 0 ? input.stored : await deps.rows.saveSubtaskRows(storyId, runId, keptIds, subtaskRowsOf(proposal));
  const collision = stored.find((row) => row.runId !== runId);
  if (collision) throw new SubtaskCodeTaken(collision.code, trackerStory.key, collision.runId);
  const rows = [...stored].sort((x, y) => codeNumber(x.code) - codeNumber(y.code));
  /** Sub-issue of each code that exists in the tracker now. */
  const synced = new Map(rows.filter((row) => row.trackerId).map((row) => [row.code, { id: row.trackerId!, key: row.trackerKey, url: row.trackerUrl }]));
  /** No row had a sub-issue yet, so no dependency link of them can have been recorded. */
  const noneRecorded = synced.size === 0;

  // 3. A crash after creating in the tracker but before recording it: the children carry our
  //    marker (run + code), so they are matched instead of created again.
  const ours = new Map(
    trackerStory.children
      .filter((child) => child.marker?.runId === runId)
      .map((child) => [child.marker!.code, child]),
  );
  const found = rows.flatMap((row) => {
    const child = synced.has(row.code) ? undefined : ours.get(row.code);
    return child ? [{ code: row.code, id: child.id, key: child.key, url: child.url }] : [];
  });
  if (found.length > 0) {
    await deps.rows.linkSubtasks(storyId, runId, found);
    for (const link of found) synced.set(link.code, { id: link.id, key: link.key, url: link.url });
  }

  // 4. Create what is still missing, in code order.
  const byCode = new Map(proposal.subtasks.map((subtask) => [subtask.code, subtask]));
  const missing: NewSubtask[] = rows
    .filter((row) => !synced.has(row.code))
    .map((row) => ({
      code: row.code,
      title: row.title,
      description: row.description ?? "",
      effort: byCode.get(row.code)?.effort ?? row.effort,
      ...(proposal.extraLabels.length > 0 ? { labels: proposal.extraLabels } : {}),
      marker: { runId, code: row.code },
      clientId: subtaskClientId(runId, storyId, row.code),
    }));
  let created: LinkedSubtask[] = [];
  if (missing.length > 0) {
    const result = await tracker.createSubtasks(trackerStory, missing);
    created = [...result.created];
    for (const item of created) synced.set(item.code, { id: item.id, key: item.key, url: item.url });
    failures.push(...result.failed);
  }
  // 5. Dependencies as the tracker's own "blocks" links, between sub-issues that exist now.
  const subIssues = new Map([...synced].flatMap(([code, issue]) => (issue.key ? [[code, { id: issue.id, key: issue.key }] as const] : [])));
  let links: Awaited<ReturnType<typeof linkDependencies>>;
  try {
    links = await linkDependencies(
      { rows: deps.rows, tracker, logger: deps.logger },
      { runId, storyId, subtasks: proposal.subtasks, subIssues, noneRecorded },
    );
  } catch (error) {
    // The story will not complete now: what was created is recorded at once.
    await deps.rows.linkSubtasks(storyId, runId, created).catch(() => undefined);
    throw error;
  }
  failures.push(...links.failures);
  let linked = links.linked;
  if (failures.length > 0) {
    // The story will not complete now but be tried again: what was created and linked is
    // recorded at once (the sub-issues first: a link is recorded only with both its ends), so
    // the next attempt asks only for the rest.
    await deps.rows.linkSubtasks(storyId, runId, created);
    await deps.rows.recordLinks(storyId, runId, linked);
    created = [];
    linked = [];
  }

  const subtasks = rows.map((row) => ({ code: row.code, title: row.title, effort: row.effort, key: synced.get(row.code)?.key ?? null, url: synced.get(row.code)?.url ?? null }));
  deps.logger.debug({ runId, story: trackerStory.key, synced: synced.size, deleted: deletedKeys.length }, "write-back done");
  return { deletedKeys, subtasks, syncedCount: synced.size, failures, linked, created, linksUnavailable: links.unavailable };
}
