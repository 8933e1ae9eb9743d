// Write-back step 5: each subtask's dependsOn becomes the tracker's own "blocks" link between the
// two sub-issues, once both exist. Links the tracker has are recorded (by the caller: see
// WriteBackResult.linked), so a repeated or resumed sync asks only for the others; one made just
// before a crash, before it could be recorded, is not made twice either, because the tracker
// recognises it (Tracker.linkBlocks). The "Depends on" line stays in each description for people
// who read only the text.
import type { GeneratedSubtask } from "../generation/types.ts";
import type { Logger } from "../log/logger.ts";
import type { BlocksLink, ItemFailure, Tracker } from "../trackers/types.ts";
import { subtaskLinkClientId } from "./client-id.ts";
import type { SubtaskLinkRow, SubtaskLinkRows } from "./subtask-links.ts";

export interface DependencyLinksInput {
  readonly runId: string;
  readonly storyId: string;
  readonly subtasks: readonly Pick<GeneratedSubtask, "code" | "dependsOn">[];
  /** The sub-issue of each code that exists in the tracker now. */
  readonly subIssues: ReadonlyMap<string, { readonly id: string; readonly key: string }>;
  /**
   * None of these subtasks had a sub-issue when the write-back began (a first attempt), so no
   * link between them can be recorded yet: links are recorded only between sub-issues that
   * exist, and a row's sub-issue is recorded before any of its links. Saves reading them.
   */
  readonly noneRecorded?: boolean;
}

export interface DependencyLinksResult {
  /** The links the tracker has now that were not recorded yet: to be recorded. */
  readonly linked: readonly SubtaskLinkRow[];
  readonly failures: readonly ItemFailure[];
  /** Why the tracker makes no such links at all, for people; null when it does. */
  readonly unavailable: string | null;
}

const pairKey = (pair: SubtaskLinkRow) => `${pair.blocker}>${pair.blocked}`;

export async function linkDependencies(
  deps: { readonly rows: SubtaskLinkRows; readonly tracker: Tracker; readonly logger: Logger },
  input: DependencyLinksInput,
): Promise<DependencyLinksResult> {
  const { runId, storyId, subIssues } = input;
  const wanted = input.subtasks.flatMap((subtask) => subtask.dependsOn.map((blocker) => ({ blocker, blocked: subtask.code })));
  if (wanted.length === 0) return { linked: [], failures: [], unavailable: null };
  const recorded = new Set(input.noneRecorded ? [] : (await deps.rows.recordedLinks(storyId, runId)).map(pairKey));
  // A pair whose sub-issue is not there yet (its create failed) waits for the next attempt,
  // which that failure brings about.
  const links = wanted.flatMap((pair): BlocksLink[] => {
    const blocker = subIssues.get(pair.blocker);
    const blocked = subIssues.get(pair.blocked);
    if (recorded.has(pairKey(pair)) || !blocker || !blocked) return [];
    return [
      {
        blocker: { code: pair.blocker, id: blocker.id, key: blocker.key },
        blocked: { code: pair.blocked, id: blocked.id, key: blocked.key },
        clientId: subtaskLinkClientId(runId, storyId, pair.blocker, pair.blocked),
      },
    ];
  });
  if (links.length === 0) return { linked: [], failures: [], unavailable: null };

  const result = await deps.tracker.linkBlocks(links);
  if (result.unavailable) deps.logger.warn({ runId, storyId, reason: result.unavailable }, "dependencies not linked in the tracker");
  return {
    linked: result.linked.map((link) => ({ blocker: link.blocker.code, blocked: link.blocked.code })),
    failures: result.failed,
    unavailable: result.unavailable ?? null,
  };
}
