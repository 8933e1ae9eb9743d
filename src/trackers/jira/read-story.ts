// Reads one Jira issue as a TrackerStory: the issue with its field names (to find the
// acceptance-criteria and story-point custom fields), then, when it has children, one JQL search
// for them (paged), since the issue's own `subtasks` field carries neither labels, assignee nor
// description, which the marker check needs.

import { BadReference } from "../errors.ts";
import { inspectChild } from "../marker.ts";
import type { TrackerChild, TrackerRef, TrackerStory } from "../types.ts";
import { adfToMarkdown } from "./adf-to-markdown.ts";
import type { JiraCall } from "./call.ts";
import { readAcceptanceCriteria, readStoryPoints } from "./custom-fields.ts";
import { jiraChild, jiraIssue, searchPage, type JiraChild, type JiraIssue } from "./schemas.ts";

export const CHILD_FIELDS = ["summary", "description", "labels", "status", "assignee"];
const SEARCH_PAGE_SIZE = 100;

export interface JiraReadDeps {
  readonly call: JiraCall;
  readonly baseUrl: string;
}

export function browseUrl(baseUrl: string, key: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/browse/${key}`;
}

/** Jira's Epic type sits one level above stories; older sites only name it. */
export function isJiraEpic(issueType: { name: string; hierarchyLevel?: number | undefined }): boolean {
  return issueType.hierarchyLevel === 1 || issueType.name.toLowerCase() === "epic";
}

export async function readJiraStory(deps: JiraReadDeps, ref: TrackerRef): Promise<TrackerStory> {
  if (ref.kind === "project") throw new BadReference("Jira links name issues; that reference is a project.");
  const issue = await deps.call(
    (jira) => jira.issues.getIssue({ issueIdOrKey: ref.key, fields: ["*navigable"], expand: "names" }),
    jiraIssue,
    { action: `read ${ref.key}`, permission: "Browse projects", notFoundKey: ref.key },
  );
  const isEpic = isJiraEpic(issue.fields.issuetype);
  const children = issue.fields.subtasks.length > 0 || isEpic ? await readChildren(deps, issue.key) : [];
  return toTrackerStory(deps.baseUrl, issue, issue.names, children);
}

/** A Jira issue read with `*navigable` fields, its field names (expand=names) and its children. */
export function toTrackerStory(baseUrl: string, issue: JiraIssue, names: JiraIssue["names"], children: readonly JiraChild[]): TrackerStory {
  const { fields } = issue;
  return {
    tracker: "jira",
    id: issue.id,
    key: issue.key,
    title: fields.summary,
    url: browseUrl(baseUrl, issue.key),
    description: adfToMarkdown(fields.description),
    acceptanceCriteria: readAcceptanceCriteria(fields, names),
    labels: fields.labels,
    estimate: readStoryPoints(fields, names),
    parent: fields.parent
      ? {
          id: fields.parent.id,
          key: fields.parent.key,
          title: fields.parent.fields?.summary ?? fields.parent.key,
          url: browseUrl(baseUrl, fields.parent.key),
        }
      : null,
    children: children.map((child) => toTrackerChild(baseUrl, child)),
    team: { id: fields.project.id, key: fields.project.key, name: fields.project.name },
    closed: fields.status.statusCategory.key === "done",
    isEpic: isJiraEpic(fields.issuetype),
  };
}

/** Sub-tasks of a story, or stories of an epic: `parent = KEY` covers both. */
async function readChildren(deps: JiraReadDeps, key: string): Promise<JiraChild[]> {
  const children: JiraChild[] = [];
  let nextPageToken: string | undefined;
  do {
    const page = await deps.call(
      (jira) =>
        jira.issueSearch.searchAndReconsileIssuesUsingJql({
          jql: `parent = ${key} ORDER BY created ASC`,
          fields: CHILD_FIELDS,
          maxResults: SEARCH_PAGE_SIZE,
          ...(nextPageToken ? { nextPageToken } : {}),
        }),
      searchPage(jiraChild),
      { action: `read the children of ${key}`, permission: "Browse projects" },
    );
    children.push(...page.issues);
    nextPageToken = page.isLast === true ? undefined : (page.nextPageToken ?? undefined);
  } while (nextPageToken);
  return children;
}

export function toTrackerChild(baseUrl: string, child: JiraChild): TrackerChild {
  const verdict = inspectChild({
    title: child.fields.summary,
    description: adfToMarkdown(child.fields.description),
    labels: child.fields.labels,
    // A new sub-task sits in a status of the "To Do" category (key "new").
    stateMovedOn: child.fields.status.statusCategory.key !== "new",
    assigned: Boolean(child.fields.assignee),
  });
  return {
    id: child.id,
    key: child.key,
    title: child.fields.summary,
    url: browseUrl(baseUrl, child.key),
    state: child.fields.status.name,
    ...verdict,
  };
}
