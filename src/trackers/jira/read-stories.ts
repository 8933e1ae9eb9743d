// Reads many Jira issues as TrackerStories with one JQL search (`id in (…)`, 100 per page): what
// a run's resolve step stores so each story's step need not read its story again. A story that
// has sub-tasks, or an epic, needs a second search for its children: it is left out, and its
// step reads it alone (a fresh story has none); so is any a page Jira cuts short leaves out.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get

import type { TrackerItemSummary, TrackerStory } from "../types.ts";
import { isJiraEpic, toTrackerStory, type JiraReadDeps } from "./read-story.ts";
import { jiraIssue, searchPage } from "./schemas.ts";
import { chunks } from "../../collections/chunks.ts";

/** One JQL page: Jira returns at most 100 issues per search page. */
export const STORIES_PER_REQUEST = 100;

export async function readJiraStories(deps: JiraReadDeps, items: readonly TrackerItemSummary[]): Promise<TrackerStory[]> {
  const stories: TrackerStory[] = [];
  for (const chunk of chunks(items, STORIES_PER_REQUEST)) {
    const ids = chunk.map((item) => item.id);
    // Ids are Jira's numeric issue ids, from its own answers: nothing to quote in the JQL.
    if (ids.some((id) => !/^\d+$/.test(id))) continue;
    const page = await deps.call(
      (jira) =>
        jira.issueSearch.searchAndReconsileIssuesUsingJql({ jql: `id in (${ids.join(",")})`, fields: ["*navigable"], expand: "names", maxResults: STORIES_PER_REQUEST }),
      searchPage(jiraIssue).extend({ names: jiraIssue.shape.names }),
      { action: `read ${ids.length} stories`, permission: "Browse projects" },
    );
    for (const issue of page.issues) {
      if (issue.fields.subtasks.length > 0 || isJiraEpic(issue.fields.issuetype)) continue;
      stories.push(toTrackerStory(deps.baseUrl, issue, page.names, []));
    }
  }
  return stories;
}
