// What `subtasks setup linear` and `subtasks doctor` ask Linear and change in it: the account,
// the teams, the bot's labels and the webhook. Schema:
// https://github.com/linear/linear/blob/master/packages/sdk/src/schema.graphql
// (IssueLabelCreateInput, WebhookCreateInput: `teamId` takes a team's id or key; `secret` signs
// the deliveries; Webhook.secret is readable by admins).
import { LinearClient } from "@linear/sdk";
import { z } from "zod";
import { sleep } from "../../async/sleep.ts";
import type { Logger } from "../../log/logger.ts";
import { TRACKER_REQUEST_TIMEOUT_MS } from "../support/request-timeout.ts";
import type { LinearConfig } from "./config.ts";
import { createLinearCall, type LinearCall } from "./graphql.ts";

const viewerQuery = /* GraphQL */ `
  query AdminViewer {
    viewer { id name email admin }
    organization { id name urlKey }
  }
`;

const teamsQuery = /* GraphQL */ `
  query AdminTeams {
    teams(first: 250) { nodes { id key name } }
  }
`;

const labelsQuery = /* GraphQL */ `
  query AdminLabels($names: [String!]!) {
    issueLabels(first: 250, filter: { name: { in: $names } }) { nodes { id name team { id key } } }
  }
`;

const labelCreateMutation = /* GraphQL */ `
  mutation AdminLabelCreate($input: IssueLabelCreateInput!) {
    issueLabelCreate(input: $input) { success issueLabel { id name } }
  }
`;

const webhooksQuery = /* GraphQL */ `
  query AdminWebhooks {
    webhooks(first: 100) { nodes { id url enabled resourceTypes allPublicTeams secret team { id key } } }
  }
`;

const webhookCreateMutation = /* GraphQL */ `
  mutation AdminWebhookCreate($input: WebhookCreateInput!) {
    webhookCreate(input: $input) { success webhook { id enabled } }
  }
`;

const viewerAnswer = z.object({
  viewer: z.object({ id: z.string(), name: z.string(), email: z.string().nullish(), admin: z.boolean() }),
  organization: z.object({ id: z.string(), name: z.string(), urlKey: z.string() }),
});
const teamRef = z.object({ id: z.string(), key: z.string() });
const teamsAnswer = z.object({ teams: z.object({ nodes: z.array(teamRef.extend({ name: z.string() })) }) });
const labelsAnswer = z.object({
  issueLabels: z.object({ nodes: z.array(z.object({ id: z.string(), name: z.string(), team: teamRef.nullish() })) }),
});
const labelCreateAnswer = z.object({ issueLabelCreate: z.object({ success: z.boolean() }) });
const webhook = z.object({
  id: z.string(),
  url: z.string().nullish(),
  enabled: z.boolean(),
  resourceTypes: z.array(z.string()),
  allPublicTeams: z.boolean(),
  secret: z.string().nullish(),
  team: teamRef.nullish(),
});
const webhooksAnswer = z.object({ webhooks: z.object({ nodes: z.array(webhook) }) });
const webhookCreateAnswer = z.object({ webhookCreate: z.object({ success: z.boolean() }) });

export type LinearViewer = z.infer<typeof viewerAnswer>;
export type LinearTeamRef = z.infer<typeof teamsAnswer>["teams"]["nodes"][number];
export type LinearLabel = z.infer<typeof labelsAnswer>["issueLabels"]["nodes"][number];
export type LinearWebhook = z.infer<typeof webhook>;

export interface LinearAdmin {
  viewer(): Promise<LinearViewer>;
  teams(): Promise<LinearTeamRef[]>;
  labelsNamed(names: readonly string[]): Promise<LinearLabel[]>;
  /** A workspace label without a team; a team label with one. */
  createLabel(name: string, teamId: string | null): Promise<void>;
  webhooks(): Promise<LinearWebhook[]>;
  /** On every public team without a team; on that team with one. */
  createWebhook(input: { url: string; teamId: string | null; secret: string }): Promise<void>;
}

export function createLinearAdmin(config: LinearConfig, logger: Logger): LinearAdmin {
  const client = new LinearClient({ apiKey: config.apiKey, apiUrl: config.apiUrl });
  const call: LinearCall = createLinearCall({ client, logger, sleep, now: Date.now, requestTimeoutMs: TRACKER_REQUEST_TIMEOUT_MS });
  return {
    viewer: () => call(viewerQuery, {}, viewerAnswer, { action: "read the account and its workspace" }),
    teams: async () => (await call(teamsQuery, {}, teamsAnswer, { action: "list the teams" })).teams.nodes,
    labelsNamed: async (names) =>
      (await call(labelsQuery, { names: [...names] }, labelsAnswer, { action: "read the bot's labels" })).issueLabels.nodes,
    async createLabel(name, teamId) {
      const answer = await call(labelCreateMutation, { input: { name, ...(teamId ? { teamId } : {}) } }, labelCreateAnswer, {
        action: `create the label ${name}`,
        retryOn: "rate-limit",
      });
      if (!answer.issueLabelCreate.success) throw new Error(`Linear did not create the label ${name}`);
    },
    webhooks: async () => (await call(webhooksQuery, {}, webhooksAnswer, { action: "list the webhooks" })).webhooks.nodes,
    async createWebhook(input) {
      const answer = await call(
        webhookCreateMutation,
        {
          input: {
            url: input.url,
            resourceTypes: ["Issue"],
            label: "subtasks-bot",
            secret: input.secret,
            enabled: true,
            ...(input.teamId ? { teamId: input.teamId } : { allPublicTeams: true }),
          },
        },
        webhookCreateAnswer,
        { action: "create the webhook", retryOn: "rate-limit" },
      );
      if (!answer.webhookCreate.success) throw new Error("Linear did not create the webhook");
    },
  };
}

/** A webhook that delivers the issues of `teamId` (or of every public team) to `url`. */
export function webhookCovers(hook: LinearWebhook, url: string, teamId: string | null): boolean {
  if (hook.url !== url || !hook.enabled || !hook.resourceTypes.includes("Issue")) return false;
  return hook.allPublicTeams || (teamId !== null && hook.team?.id === teamId);
}

/** Whether a label of that name applies to `teamId` (a workspace label applies to every team). */
export function labelCovers(labels: readonly LinearLabel[], name: string, teamId: string | null): boolean {
  return labels.some((label) => label.name === name && (!label.team || (teamId !== null && label.team.id === teamId)));
}
