// A run started by a tracker label leaves each story with a label that says how it went: the
// trigger label comes off, DONE_LABEL or FAILED_LABEL goes on. People watching the board see
// the outcome without opening Slack.
import type { Logger } from "../log/logger.ts";
import type { Tracker, TrackerItemSummary } from "../trackers/types.ts";
import type { RunStoryState } from "./states.ts";

export interface FinishLabels {
  readonly trigger: string;
  readonly done: string;
  readonly failed: string;
}

export async function applyFinishLabels(
  deps: { readonly tracker: Tracker; readonly labels: FinishLabels; readonly logger: Logger },
  story: TrackerItemSummary,
  outcome: RunStoryState,
): Promise<void> {
  const { tracker, labels } = deps;
  try {
    await tracker.removeLabel(story, labels.trigger);
    if (outcome === "COMPLETED") await tracker.addLabel(story, labels.done);
    if (outcome === "FAILED") await tracker.addLabel(story, labels.failed);
  } catch (error) {
    // Labels are a courtesy to the people watching the story; never fail the story for them.
    deps.logger.warn({ err: error, story: story.key }, "could not update the story's labels");
  }
}
