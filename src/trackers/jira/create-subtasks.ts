// A story's sub-tasks in Jira: issues of the project's sub-task type under the story, with the
// bot's label (when the create screen has Labels), the marker, and the effort as an original
// estimate (when it has time tracking). create-issues.ts makes them.

import { parseEffort } from "../../effort/effort.ts";
import type { Logger } from "../../log/logger.ts";
import { appendMarker, BOT_LABEL } from "../marker.ts";
import type { CreateSubtasksResult, NewSubtask, TrackerStory } from "../types.ts";
import type { JiraCall } from "./call.ts";
import { asSummary, createJiraIssues, screenTakesLabels } from "./create-issues.ts";
import type { IssueTypes } from "./issue-types.ts";
import { jiraLabel } from "./labels.ts";
import { toAdf } from "./markdown-to-adf.ts";
import { originalEstimate } from "./original-estimate.ts";

export async function createJiraSubtasks(
  deps: { readonly call: JiraCall; readonly types: IssueTypes; readonly baseUrl: string; readonly logger: Logger },
  story: TrackerStory,
  subtasks: readonly NewSubtask[],
): Promise<CreateSubtasksResult> {
  if (subtasks.length === 0) return { created: [], failed: [] };
  const project = story.team.key;
  // Failures here (no sub-task type, auth, permissions) concern every item: nothing was created, so throw.
  const type = await deps.types.subtaskType(project);
  const screen = await deps.types.createFields(project, type);
  const estimates = screen.has("timetracking");
  const labelled = screenTakesLabels(deps.logger, screen, { project, type, label: BOT_LABEL, noun: "sub-tasks" });

  return createJiraIssues(
    deps,
    { ownerKey: story.key, noun: { one: "sub-task", many: "sub-tasks" } },
    subtasks.map((subtask) => {
      const summary = asSummary(subtask.title);
      const effort = estimates ? parseEffort(subtask.effort) : null;
      return {
        code: subtask.code,
        fields: {
          project: { key: project },
          parent: { key: story.key },
          issuetype: { id: type.id },
          summary,
          description: toAdf(appendMarker(summary, subtask.description, subtask.marker)),
          ...(labelled ? { labels: [...new Set([BOT_LABEL, ...(subtask.labels ?? []).map(jiraLabel)])] } : {}),
          ...(effort ? { timetracking: { originalEstimate: originalEstimate(effort) } } : {}),
        },
      };
    }),
  );
}
