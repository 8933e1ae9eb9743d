// The access check of a button or modal on one story of a run: the story may be shown in the
// run's channel, and the person may open it (access/guard.ts decides).
import type { AccessDecision, AccessGuard } from "../access/guard.ts";
import type { StoryProgress, RunSummary } from "../runs/types.ts";
import { trackerOfKind } from "../trackers/registry.ts";

export function checkStoryAccess(
  access: Pick<AccessGuard, "check">,
  userId: string,
  run: Pick<RunSummary, "slackChannel">,
  story: Pick<StoryProgress, "tracker" | "storyKey">,
  action: string,
): Promise<AccessDecision> {
  return access.check({ userId, channel: run.slackChannel, items: [{ tracker: trackerOfKind(story.tracker).name, key: story.storyKey }], action });
}
