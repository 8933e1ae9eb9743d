// The stories behind a Jira reference: an Epic's child issues (JQL `parent = KEY` on the current
// /rest/api/3/search/jql endpoint, paged by nextPageToken), or the story itself.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/

import { BadReference } from "../errors.ts";
import type { Expansion, TrackerItemSummary, TrackerRef } from "../types.ts";
import type { JiraCall } from "./call.ts";
import { browseUrl, isJiraEpic } from "./read-story.ts";
import { approximateCount, jiraIssueBrief, jiraSummary, searchPage } from "./schemas.ts";

const SEARCH_PAGE_SIZE = 100;

export async function expandJira(
  deps: { readonly call: JiraCall; readonly baseUrl: string },
  ref: TrackerRef,
  limit: number,
): Promise<Expansion> {
  if (ref.kind === "project") throw new BadReference("Jira links name issues; that reference is a project.");
  const issue = await deps.call(
    (jira) => jira.issues.getIssue({ issueIdOrKey: ref.key, fields: ["summary", "issuetype"] }),
    jiraIssueBrief,
    { action: `read ${ref.key}`, permission: "Browse projects", notFoundKey: ref.key },
  );
  const self: TrackerItemSummary = {
    id: issue.id,
    key: issue.key,
    title: issue.fields.summary,
    url: browseUrl(deps.baseUrl, issue.key),
  };
  if (!isJiraEpic(issue.fields.issuetype)) return { epic: null, stories: [self], capped: false };

  const jql = `parent = ${issue.key} ORDER BY created ASC`;
  const found: TrackerItemSummary[] = [];
  let nextPageToken: string | undefined;
  do {
    const page = await deps.call(
      (jira) =>
        jira.issueSearch.searchAndReconsileIssuesUsingJql({
          jql,
          fields: ["summary"],
          // One more than the limit tells whether the epic has more.
          maxResults: Math.min(SEARCH_PAGE_SIZE, limit + 1 - found.length),
          ...(nextPageToken ? { nextPageToken } : {}),
        }),
      searchPage(jiraSummary),
      { action: `read the stories of ${issue.key}`, permission: "Browse projects" },
    );
    found.push(
      ...page.issues.map((story) => ({
        id: story.id,
        key: story.key,
        title: story.fields.summary,
        url: browseUrl(deps.baseUrl, story.key),
      })),
    );
    nextPageToken = page.isLast === true ? undefined : (page.nextPageToken ?? undefined);
  } while (nextPageToken && found.length <= limit);

  if (found.length <= limit) return { epic: self, stories: found, capped: false };
  const total = await countStories(deps.call, issue.key);
  const how = total === null ? `more than ${limit}` : String(total);
  return {
    epic: self,
    stories: found.slice(0, limit),
    capped: true,
    message: `${issue.key} has ${how} stories; taking the first ${limit}`,
  };
}

/** For the message only: the approximate count is eventually consistent, and its failure is not the run's. */
async function countStories(call: JiraCall, key: string): Promise<number | null> {
  try {
    const answer = await call((jira) => jira.issueSearch.countIssues({ jql: `parent = ${key}` }), approximateCount, {
      action: `count the stories of ${key}`,
      retryOn: "rate-limit",
    });
    return answer.count;
  } catch {
    return null;
  }
}
