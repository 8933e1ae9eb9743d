// One story's state in a few words, the same in the parent message, the reply and App Home.
import { isFinalStory } from "../../runs/states.ts";
import type { RunOptions, StoryProgress } from "../../runs/types.ts";
import { plural } from "./format.ts";

export function isFinal(story: Pick<StoryProgress, "status">): boolean {
  return isFinalStory(story.status);
}

export function isAwaitingReview(story: Pick<StoryProgress, "status" | "reviewState">): boolean {
  return story.status === "PENDING" && story.reviewState === "AWAITING";
}

/** Held back by a spend limit (runs/spend-guard.ts): PENDING with the reason, until the limit resets. */
export function isWaitingForSpend(story: Pick<StoryProgress, "status" | "reviewState" | "errorMsg">): boolean {
  return story.status === "PENDING" && story.reviewState === null && story.errorMsg !== null;
}

export interface StoryStatusText {
  readonly icon: string;
  /** Lower case, no trailing period: "5 subtasks created", "failed". */
  readonly text: string;
}

export function storyStatus(story: StoryProgress, options: RunOptions): StoryStatusText {
  switch (story.status) {
    case "COMPLETED":
      if (options.dryRun) return { icon: ":test_tube:", text: `${plural(story.subtasks.length, "subtask")} proposed (dry run)` };
      return {
        icon: ":white_check_mark:",
        text: `${plural(story.subtasksCreated, "subtask")} created${story.subtasksDeleted > 0 ? `, ${story.subtasksDeleted} replaced` : ""}`,
      };
    case "FAILED":
      return { icon: ":x:", text: "failed" };
    case "SKIPPED":
      if (story.reviewState === "DISCARDED") return { icon: ":wastebasket:", text: "discarded in review" };
      if (story.verdict === "no_breakdown") return { icon: ":ok_hand:", text: "no breakdown needed" };
      return { icon: ":next_track_button:", text: "skipped" };
    case "PENDING":
      if (story.reviewState === "AWAITING") return { icon: ":memo:", text: "waiting for review" };
      if (isWaitingForSpend(story)) return { icon: ":double_vertical_bar:", text: "waiting for a spend limit to reset" };
      // Back in the queue after Regenerate or Refine: a new proposal is being made.
      if (story.reviewState === null && story.verdict !== null) return { icon: ":arrows_counterclockwise:", text: "making a new proposal" };
      if (story.reviewState === "APPROVED") return { icon: ":hourglass_flowing_sand:", text: "approved, creating subtasks" };
      return { icon: ":white_circle:", text: "queued" };
    case "GENERATING":
      return { icon: ":hourglass_flowing_sand:", text: "generating subtasks" };
    case "SAVING":
      return { icon: ":hourglass_flowing_sand:", text: "creating subtasks" };
  }
}
