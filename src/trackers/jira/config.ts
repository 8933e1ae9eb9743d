// Jira's settings: the variables an operator sets, and the configuration they make.
import { z } from "zod";
import { requireTogether, requireWith } from "../../config/config-error.ts";
import { httpUrl, text, type VariableValues } from "../../config/variable-spec.ts";

export const jiraVariables = {
  JIRA_BASE_URL: {
    schema: httpUrl.optional(),
    expected: "a URL such as https://your-site.atlassian.net",
    meaning: "Jira Cloud site",
    defaultText: "Jira off when unset",
  },
  JIRA_EMAIL: {
    schema: z.email().optional(),
    expected: "an email address",
    meaning: "Jira account email (basic auth)",
    defaultText: "Jira off when unset",
  },
  JIRA_API_TOKEN: {
    schema: text.optional(),
    expected: "a Jira API token",
    meaning: "Jira API token (basic auth)",
    defaultText: "Jira off when unset",
    secret: true,
  },
  JIRA_WEBHOOK_SECRET: {
    schema: text.optional(),
    expected: "the Jira webhook secret",
    meaning: "secret of the Jira webhook",
    defaultText: "unset: Jira webhooks refused",
    secret: true,
  },
} as const;

export interface JiraConfig {
  readonly baseUrl: string;
  readonly email: string;
  readonly apiToken: string;
  readonly webhookSecret: string | undefined;
}

export function readJiraConfig(values: VariableValues<typeof jiraVariables>): JiraConfig | null {
  const on = requireTogether(values, ["JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_API_TOKEN"], "Jira");
  requireWith(values, "JIRA_WEBHOOK_SECRET", "JIRA_BASE_URL");
  if (!on) return null;
  return {
    baseUrl: values.JIRA_BASE_URL!.replace(/\/+$/, ""),
    email: values.JIRA_EMAIL!,
    apiToken: values.JIRA_API_TOKEN!,
    webhookSecret: values.JIRA_WEBHOOK_SECRET,
  };
}
