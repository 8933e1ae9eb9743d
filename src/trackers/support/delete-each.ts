import { StoryNotFound } from "../errors.ts";
import { mapWithLimit } from "./map-with-limit.ts";
import type { DeleteSubtasksResult } from "../types.ts";

/**
 * Deletes sub-issues one by one, a few at a time (neither tracker has a bulk delete), and
 * reports per item: one that is already gone counts as deleted, which is what was wanted.
 */
export async function deleteEach(
  ids: readonly string[],
  concurrency: number,
  deleteOne: (id: string) => Promise<void>,
): Promise<DeleteSubtasksResult> {
  const results = await mapWithLimit(ids, concurrency, async (id) => {
    try {
      await deleteOne(id);
      return null;
    } catch (error) {
      if (error instanceof StoryNotFound) return null;
      return { ref: id, error: error instanceof Error ? error.message : String(error) };
    }
  });
  return {
    deleted: ids.filter((_id, index) => results[index] === null),
    failed: results.flatMap((failure) => (failure ? [failure] : [])),
  };
}
