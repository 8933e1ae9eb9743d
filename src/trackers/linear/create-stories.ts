// An epic's stories in Linear: issues of the epic's team, under the epic issue (parentId) or in
// the project (projectId), with the bot's story label, the criteria under a heading of the
// description, the marker, and the points as the estimate (create-issues.ts makes them).

import { appendMarker, BOT_STORY_LABEL } from "../marker.ts";
import { withAcceptanceCriteria } from "../story-description.ts";
import type { CreateStoriesResult, NewStory, TrackerEpic } from "../types.ts";
import { createLinearIssues, type CreateIssuesDeps } from "./create-issues.ts";

export function createLinearStories(deps: CreateIssuesDeps, epic: TrackerEpic, stories: readonly NewStory[]): Promise<CreateStoriesResult> {
  return createLinearIssues(
    deps,
    { teamId: epic.team.id, ownerKey: epic.key, botLabel: BOT_STORY_LABEL, noun: { one: "story", many: "stories" } },
    stories.map((story) => ({
      code: story.code,
      clientId: story.clientId,
      title: story.title,
      description: appendMarker(story.title, withAcceptanceCriteria(story.description, story.acceptanceCriteria), story.marker),
      placement: epic.kind === "project" ? { projectId: epic.id } : { parentId: epic.id },
      labels: story.labels ?? [],
      estimate: story.points,
    })),
  );
}
