import type { ExistingChild } from "../generation/types.ts";
import type { TrackerChild } from "../trackers/types.ts";
import type { PlannedDeletion } from "./proposal.ts";

export interface RegenerationPlan {
  /** Bot-made children nobody touched: deleted, and replaced by the new answer. */
  readonly deletions: readonly PlannedDeletion[];
  /** What the engine must not duplicate: every person's child and every touched bot child. */
  readonly existing: readonly ExistingChild[];
}

/**
 * Running again on a story replaces the bot's untouched children and keeps everything a
 * person made or changed. Children a person created are never modified.
 */
export function planRegeneration(children: readonly TrackerChild[]): RegenerationPlan {
  const deletions: PlannedDeletion[] = [];
  const existing: ExistingChild[] = [];
  for (const child of children) {
    if (child.createdByBot && !child.touchedByPerson) {
      deletions.push({ id: child.id, key: child.key, code: child.marker?.code ?? null });
    } else {
      existing.push({
        title: child.title,
        key: child.key,
        state: child.state,
        createdByBot: child.createdByBot,
        ...(child.createdByBot && child.marker ? { code: child.marker.code } : {}),
      });
    }
  }
  return { deletions, existing };
}
