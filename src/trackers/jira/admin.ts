// What `subtasks setup jira` and `subtasks doctor` ask Jira and change in it: the account, its
// admin right, each project's sub-task type and the admin webhook.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/#api-rest-api-3-mypermissions-get
// https://developer.atlassian.com/cloud/jira/platform/webhooks/ (POST /rest/webhooks/1.0/webhook)
import { z } from "zod";
import { sleep } from "../../async/sleep.ts";
import type { Logger } from "../../log/logger.ts";
import { createJiraCall, type JiraCall } from "./call.ts";
import { loadJiraClient } from "./client.ts";
import type { JiraConfig } from "./config.ts";
import { createIssueTypes, type IssueType } from "./issue-types.ts";
import { createJiraTransport } from "./transport.ts";

const myselfAnswer = z.object({ accountId: z.string(), displayName: z.string(), emailAddress: z.string().nullish() });
const permissionsAnswer = z.object({
  permissions: z.record(z.string(), z.object({ havePermission: z.boolean() })),
});
const webhook = z.object({
  name: z.string().nullish(),
  url: z.string(),
  enabled: z.boolean().nullish(),
  events: z.array(z.string()).nullish(),
  filters: z.record(z.string(), z.string().nullish()).nullish(),
  self: z.string().nullish(),
});
const webhooksAnswer = z.array(webhook);
const ignored = z.unknown();

export type JiraMyself = z.infer<typeof myselfAnswer>;
export type JiraWebhook = z.infer<typeof webhook>;

export interface JiraWebhookInput {
  readonly name: string;
  readonly url: string;
  readonly jql: string;
  readonly secret: string;
}

export interface JiraAdmin {
  myself(): Promise<JiraMyself>;
  /** Whether the account has the global Administer Jira permission (webhooks need it). */
  isAdmin(): Promise<boolean>;
  /** Throws NoSubtaskIssueType when the project has none. */
  subtaskType(project: string): Promise<IssueType>;
  projects(): Promise<string[]>;
  webhooks(): Promise<JiraWebhook[]>;
  createWebhook(input: JiraWebhookInput): Promise<void>;
}

/** The events the bot acts on: a label is added when an issue is created or updated. */
export const WEBHOOK_EVENTS = ["jira:issue_created", "jira:issue_updated"] as const;
/** Where an admin webhook keeps its JQL filter. */
export const JQL_FILTER = "issue-related-events-section";

export function createJiraAdmin(config: JiraConfig, logger: Logger): JiraAdmin {
  const transport = createJiraTransport({ baseUrl: config.baseUrl, email: config.email, apiToken: config.apiToken });
  const call: JiraCall = createJiraCall({ jira: loadJiraClient(transport), logger, sleep, now: Date.now });
  const types = createIssueTypes({ call });
  // jira.js has no call for the admin webhooks of /rest/webhooks/1.0; the transport sends any path.
  const send = (request: { url: string; method?: "GET" | "POST"; body?: unknown }) => () => transport.sendRequest<unknown>(request);
  return {
    myself: () => call((client) => client.myself.getCurrentUser(), myselfAnswer, { action: "read the account" }),
    async isAdmin() {
      const answer = await call((client) => client.permissions.getMyPermissions({ permissions: "ADMINISTER" }), permissionsAnswer, {
        action: "read the account's permissions",
      });
      return answer.permissions.ADMINISTER?.havePermission === true;
    },
    subtaskType: (project) => types.subtaskType(project),
    async projects() {
      const page = await call((client) => client.projects.searchProjects({ maxResults: 100, orderBy: "key" }), z.object({ values: z.array(z.object({ key: z.string() })) }), {
        action: "list the projects",
        permission: "Browse projects",
      });
      return page.values.map((project) => project.key);
    },
    webhooks: () => call(send({ url: "/rest/webhooks/1.0/webhook" }), webhooksAnswer, { action: "list the webhooks", permission: "Administer Jira" }),
    async createWebhook(input) {
      const body = { name: input.name, url: input.url, events: [...WEBHOOK_EVENTS], filters: { [JQL_FILTER]: input.jql }, excludeBody: false, secret: input.secret };
      await call(send({ url: "/rest/webhooks/1.0/webhook", method: "POST", body }), ignored, {
        action: "create the webhook",
        permission: "Administer Jira",
        retryOn: "rate-limit",
      });
    },
  };
}

/** JQL that sends only issues carrying the trigger label. */
export function triggerJql(triggerLabel: string): string {
  return `labels = "${triggerLabel.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** A webhook that delivers created and updated issues to `url`. */
export function webhookCovers(hook: JiraWebhook, url: string): boolean {
  return hook.url === url && hook.enabled !== false && WEBHOOK_EVENTS.every((event) => hook.events?.includes(event));
}
