// An epic's stories in Jira: issues of the project's Story type with the epic as parent, the
// bot's story label (when the create screen has Labels), the marker, and:
//  - the criteria in the Story screen's "Acceptance Criteria" field when it has one, else under
//    a "## Acceptance criteria" heading of the description;
//  - the points in its story points field when it has one.
// Jira takes no client-chosen id, so a create repeated after a crash makes second stories: the
// run layer re-reads the epic and matches its stories by marker before creating (like sub-tasks).
// create-issues.ts makes them.

import type { Logger } from "../../log/logger.ts";
import { NoStoryIssueType } from "../errors.ts";
import { appendMarker, BOT_STORY_LABEL } from "../marker.ts";
import { withAcceptanceCriteria } from "../story-description.ts";
import type { CreateStoriesResult, NewStory, TrackerEpic } from "../types.ts";
import type { JiraCall } from "./call.ts";
import { asSummary, createJiraIssues, screenTakesLabels } from "./create-issues.ts";
import type { IssueTypes } from "./issue-types.ts";
import { jiraLabel } from "./labels.ts";
import { toAdf } from "./markdown-to-adf.ts";
import { criteriaFieldValue, pointsFieldValue, storyFieldsOf } from "./story-fields.ts";

export async function createJiraStories(
  deps: { readonly call: JiraCall; readonly types: IssueTypes; readonly baseUrl: string; readonly logger: Logger },
  epic: TrackerEpic,
  stories: readonly NewStory[],
): Promise<CreateStoriesResult> {
  if (stories.length === 0) return { created: [], failed: [] };
  const project = epic.team.key;
  // Failures here (no Story type, auth, permissions) concern every item: nothing was created, so throw.
  const type = await deps.types.storyType(project);
  if (!type) throw new NoStoryIssueType(project);
  const screen = await deps.types.createFields(project, type);
  const { criteria, points } = storyFieldsOf(screen);
  const labelled = screenTakesLabels(deps.logger, screen, { project, type, label: BOT_STORY_LABEL, noun: "stories" });

  return createJiraIssues(
    deps,
    { ownerKey: epic.key, noun: { one: "story", many: "stories" } },
    stories.map((story) => {
      const summary = asSummary(story.title);
      const description = criteria ? story.description : withAcceptanceCriteria(story.description, story.acceptanceCriteria);
      const pointsValue = points && story.points !== null ? pointsFieldValue(points, story.points) : null;
      return {
        code: story.code,
        fields: {
          project: { key: project },
          parent: { key: epic.key },
          issuetype: { id: type.id },
          summary,
          description: toAdf(appendMarker(summary, description, story.marker)),
          ...(criteria && story.acceptanceCriteria.length > 0 ? { [criteria.fieldId]: criteriaFieldValue(criteria, story.acceptanceCriteria) } : {}),
          ...(points && pointsValue !== null ? { [points.fieldId]: pointsValue } : {}),
          ...(labelled ? { labels: [...new Set([BOT_STORY_LABEL, ...(story.labels ?? []).map(jiraLabel)])] } : {}),
        },
      };
    }),
  );
}
