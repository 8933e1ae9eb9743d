// Reads a Jira Epic for a stories run: the epic, its stories (JQL `parent = KEY`, which covers
// company-managed and team-managed projects alike), the other open epics of its project, and what
// the project's Story create screen says about acceptance criteria and story points.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get

import { BadReference, NotAnEpic } from "../errors.ts";
import { withAcceptanceCriteria } from "../story-description.ts";
import type { EpicStory, TrackerEpic, TrackerRef } from "../types.ts";
import { adfToMarkdown } from "./adf-to-markdown.ts";
import type { JiraCall } from "./call.ts";
import { readAcceptanceCriteria } from "./custom-fields.ts";
import { jiraIdentity } from "./identity.ts";
import type { IssueTypes } from "./issue-types.ts";
import { browseUrl, CHILD_FIELDS, isJiraEpic, toTrackerChild } from "./read-story.ts";
import { jiraChild, jiraIssue, jiraSummary, searchPage } from "./schemas.ts";
import { storyFieldsOf, storyPointScale } from "./story-fields.ts";
import { z } from "zod";

/** TrackerEpic.stories: at most this many (one page of the search). */
export const EPIC_STORY_LIMIT = 100;
/** TrackerEpic.siblings: at most this many. */
export const EPIC_SIBLING_LIMIT = 30;

const epicStory = jiraChild.extend({
  fields: jiraChild.shape.fields.extend({ subtasks: z.array(z.looseObject({ id: z.string() })).default([]) }),
});

export async function readJiraEpic(
  deps: { readonly call: JiraCall; readonly baseUrl: string; readonly types: IssueTypes },
  ref: TrackerRef,
): Promise<TrackerEpic> {
  if (ref.kind === "project") throw new BadReference("Jira links name issues; that reference is a project.");
  const issue = await deps.call(
    (jira) =>
      jira.issues.getIssue({ issueIdOrKey: ref.key, fields: ["summary", "description", "status", "issuetype", "project"] }),
    jiraIssue,
    { action: `read the epic ${ref.key}`, permission: "Browse projects", notFoundKey: ref.key },
  );
  const { fields } = issue;
  if (!isJiraEpic(fields.issuetype)) throw new NotAnEpic(jiraIdentity, issue.key);

  const project = fields.project.key;
  const storyType = await deps.types.storyType(project);
  const screen = storyType ? storyFieldsOf(await deps.types.createFields(project, storyType)) : { criteria: null, points: null };
  const criteriaField = screen.criteria;

  const stories = await deps.call(
    (jira) =>
      jira.issueSearch.searchAndReconsileIssuesUsingJql({
        jql: `parent = ${issue.key} ORDER BY created ASC`,
        fields: [...CHILD_FIELDS, "subtasks", ...(criteriaField ? [criteriaField.fieldId] : [])],
        maxResults: EPIC_STORY_LIMIT,
      }),
    searchPage(epicStory),
    { action: `read the stories of ${issue.key}`, permission: "Browse projects" },
  );
  const names = criteriaField ? { [criteriaField.fieldId]: criteriaField.name ?? "Acceptance Criteria" } : undefined;

  // The epic's own issue type by id: Epic types are named per language and per team-managed project.
  const typeClause = fields.issuetype.id ? `issuetype = ${fields.issuetype.id}` : `issuetype = "${fields.issuetype.name.replace(/"/g, "")}"`;
  const siblings = await deps.call(
    (jira) =>
      jira.issueSearch.searchAndReconsileIssuesUsingJql({
        jql: `project = "${project}" AND ${typeClause} AND statusCategory != Done ORDER BY created ASC`,
        fields: ["summary"],
        maxResults: EPIC_SIBLING_LIMIT + 1,
      }),
    searchPage(jiraSummary),
    { action: `list the epics of project ${project}`, permission: "Browse projects" },
  );

  return {
    tracker: "jira",
    kind: "issue",
    id: issue.id,
    key: issue.key,
    title: fields.summary,
    url: browseUrl(deps.baseUrl, issue.key),
    description: adfToMarkdown(fields.description),
    team: { id: fields.project.id, key: project, name: fields.project.name },
    stories: stories.issues.slice(0, EPIC_STORY_LIMIT).map((story): EpicStory => {
      const child = toTrackerChild(deps.baseUrl, story);
      return {
        ...child,
        // Sub-tasks under a bot story mean work has started on it: a regeneration must keep it.
        touchedByPerson: child.touchedByPerson || story.fields.subtasks.length > 0,
        // A criteria field's items follow the description, as the bot writes them where there is none.
        description: withAcceptanceCriteria(adfToMarkdown(story.fields.description), readAcceptanceCriteria(story.fields, names)),
      };
    }),
    siblings: siblings.issues
      .filter((other) => other.key !== issue.key)
      .slice(0, EPIC_SIBLING_LIMIT)
      .map((other) => ({ key: other.key, title: other.fields.summary })),
    pointScale: storyPointScale(screen.points),
    closed: fields.status.statusCategory.key === "done",
  };
}
