// A story's sub-issues in Linear: each one a sub-issue of the story in its team, with the bot's
// label, its marker and its effort as an estimate on the team's scale (create-issues.ts makes them).

import { appendMarker, BOT_LABEL } from "../marker.ts";
import type { CreateSubtasksResult, NewSubtask, TrackerStory } from "../types.ts";
import { createLinearIssues, type CreateIssuesDeps } from "./create-issues.ts";
import { linearEstimate } from "./estimate.ts";

export async function createLinearSubtasks(
  deps: CreateIssuesDeps,
  story: TrackerStory,
  subtasks: readonly NewSubtask[],
): Promise<CreateSubtasksResult> {
  if (subtasks.length === 0) return { created: [], failed: [] };
  // Throws like the create itself would: nothing is made without the team's settings.
  const setup = await deps.teams.setup(story.team.id);
  return createLinearIssues(
    deps,
    { teamId: story.team.id, ownerKey: story.key, botLabel: BOT_LABEL, noun: { one: "sub-issue", many: "sub-issues" } },
    subtasks.map((subtask) => ({
      code: subtask.code,
      clientId: subtask.clientId,
      title: subtask.title,
      description: appendMarker(subtask.title, subtask.description, subtask.marker),
      placement: { parentId: story.id },
      labels: subtask.labels ?? [],
      estimate: linearEstimate(subtask.effort, setup.estimationType),
    })),
  );
}
