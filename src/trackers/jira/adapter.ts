// The Tracker port on Jira Cloud REST v3, through jira.js's endpoint functions over our own
// transport (see transport.ts for why).

import type { CallBudget } from "../../budget/call-budget.ts";
import type { JiraConfig } from "./config.ts";
import type { Logger } from "../../log/logger.ts";
import { deleteEach } from "../support/delete-each.ts";
import { expandLimit } from "../support/expand-limit.ts";
import { sleep, type Sleep } from "../../async/sleep.ts";
import type { Tracker } from "../types.ts";
import { createJiraCall } from "./call.ts";
import { loadJiraClient } from "./client.ts";
import { createJiraStories } from "./create-stories.ts";
import { createJiraSubtasks } from "./create-subtasks.ts";
import { expandJira } from "./expand.ts";
import { createBlocksLinkType, linkJiraBlocks } from "./link-blocks.ts";
import { toAdf } from "./markdown-to-adf.ts";
import { readJiraEpic } from "./read-epic.ts";
import { readJiraStories, STORIES_PER_REQUEST } from "./read-stories.ts";
import { readJiraStory } from "./read-story.ts";
import { jiraLabel } from "./labels.ts";
import { ignored, projectPage, userList } from "./schemas.ts";
import { createIssueTypes } from "./issue-types.ts";
import { createJiraTransport } from "./transport.ts";

export interface JiraTrackerDeps {
  readonly config: JiraConfig;
  readonly logger: Logger;
  readonly sleep?: Sleep;
  readonly now?: () => number;
  /** Per request; default TRACKER_REQUEST_TIMEOUT_MS. */
  readonly requestTimeoutMs?: number;
  /** The site's requests in flight and pace, shared by every process; unset: not limited. */
  readonly budget?: CallBudget;
}

const DELETE_CONCURRENCY = 3;

export function createJiraTracker(deps: JiraTrackerDeps): Tracker {
  const logger = deps.logger.child({ tracker: "jira" });
  const baseUrl = deps.config.baseUrl;
  const jira = loadJiraClient(
    createJiraTransport({
      baseUrl,
      email: deps.config.email,
      apiToken: deps.config.apiToken,
      ...(deps.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: deps.requestTimeoutMs }),
      ...(deps.now === undefined ? {} : { now: deps.now }),
      budget: deps.budget,
    }),
  );
  const call = createJiraCall({ jira, logger, sleep: deps.sleep ?? sleep, now: deps.now ?? Date.now });
  const types = createIssueTypes({ call });
  const linkType = createBlocksLinkType({ call });

  async function editLabels(key: string, operation: { add: string } | { remove: string }, action: string): Promise<void> {
    await call((client) => client.issues.editIssue({ issueIdOrKey: key, update: { labels: [operation] } }), ignored, {
      action,
      permission: "Edit issues",
      notFoundKey: key,
    });
  }

  return {
    name: "jira",

    getStory: (ref) => readJiraStory({ call, baseUrl }, ref),

    readStories: (items) => readJiraStories({ call, baseUrl }, items),
    storiesPerRead: STORIES_PER_REQUEST,

    async listTeams() {
      // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get
      const page = await call((client) => client.projects.searchProjects({ maxResults: 100, orderBy: "key" }), projectPage, {
        action: "list the projects",
        permission: "Browse projects",
      });
      return page.values.map((project) => ({ key: project.key, name: project.name }));
    },

    // The account whose email it is, then whether it holds Browse projects on that very issue
    // (issue security levels included). Both need the bot's account to have "Browse users and
    // groups"; Jira hides an email the profile does not show, so an exact-email query is trusted
    // only when it finds one account.
    // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-permission-search-get
    async canUserOpen(email, item) {
      const found = await call((client) => client.userSearch.findUsers({ query: email, maxResults: 2 }), userList, { action: "look up a user by email" });
      const matching = found.filter((user) => user.active !== false && (user.emailAddress === undefined || user.emailAddress.toLowerCase() === email.toLowerCase()));
      if (matching.length !== 1) return false;
      const holders = await call(
        (client) =>
          client.userSearch.findUsersWithAllPermissions({
            accountId: matching[0]!.accountId,
            permissions: "BROWSE_PROJECTS",
            ...(item.key ? { issueKey: item.key } : { projectKey: item.team }),
          }),
        userList,
        { action: `check who may browse ${item.key ?? item.team}` },
      );
      return holders.some((user) => user.accountId === matching[0]!.accountId);
    },

    expand: (ref, options) => expandJira({ call, baseUrl }, ref, expandLimit(options?.limit)),

    createSubtasks: (story, subtasks) => createJiraSubtasks({ call, types, baseUrl, logger }, story, subtasks),

    readEpic: (ref) => readJiraEpic({ call, baseUrl, types }, ref),

    // No client ids in Jira: the run layer matches an epic's stories by marker before creating.
    createStories: (epic, stories) => createJiraStories({ call, types, baseUrl, logger }, epic, stories),

    // Jira deletes an issue's links with the issue.
    async deleteSubtasks(ids) {
      return deleteEach(ids, DELETE_CONCURRENCY, async (id) => {
        await call((client) => client.issues.deleteIssue({ issueIdOrKey: id }), ignored, {
          action: `delete ${id}`,
          permission: "Delete issues",
          notFoundKey: id,
        });
      });
    },

    linkBlocks: (links) => linkJiraBlocks({ call, linkType }, links),

    async comment(story, markdown) {
      await call(
        (client) => client.issueComments.addComment({ issueIdOrKey: story.key, body: toAdf(markdown) }),
        ignored,
        // Jira has no idempotency key for comments: only a rate-limited (refused) request is sent again.
        { action: `comment on ${story.key}`, permission: "Add comments", notFoundKey: story.key, retryOn: "rate-limit" },
      );
    },

    addLabel: (story, label) => editLabels(story.key, { add: jiraLabel(label) }, `add the label "${label}" to ${story.key}`),

    removeLabel: (story, label) =>
      editLabels(story.key, { remove: jiraLabel(label) }, `remove the label "${label}" from ${story.key}`),
  };
}
