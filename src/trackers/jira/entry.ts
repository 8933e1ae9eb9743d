// Jira in the tracker registry.
import type { TrackerEntry } from "../entry.ts";
import { createJiraTracker } from "./adapter.ts";
import { jiraVariables, readJiraConfig, type JiraConfig } from "./config.ts";
import { jiraIdentity } from "./identity.ts";
import { parseJiraUrl } from "./links.ts";
import { jiraChecks, setupJira } from "./operate.ts";

export const jiraEntry = {
  ...jiraIdentity,
  variables: jiraVariables,
  docRows: [["JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_API_TOKEN"], ["JIRA_WEBHOOK_SECRET"]],
  teamNoun: "project",
  linkExample: "https://…atlassian.net/browse/PROJ-42",
  configureHint: "set JIRA_BASE_URL, JIRA_EMAIL and JIRA_API_TOKEN",
  readConfig: readJiraConfig,
  // Jira counts a site's requests (per app and user, on top of per-site burst limits).
  budgetName: (config) => `jira:${new URL(config.baseUrl).host}`,
  describe: (config) => (config.webhookSecret ? "on (webhooks on)" : "on (webhooks off)"),
  siteUrl: (config) => config.baseUrl,
  parseUrl: parseJiraUrl,
  create: (deps) => createJiraTracker(deps),
  setup: setupJira,
  checks: jiraChecks,
  // Jira Cloud's Basic auth: base64 of "email:token", which contains neither as written.
  derivedSecrets: (config) => [Buffer.from(`${config.email}:${config.apiToken}`).toString("base64")],
} as const satisfies TrackerEntry<typeof jiraVariables, JiraConfig>;
