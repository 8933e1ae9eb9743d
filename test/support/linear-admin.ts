// Linear's admin surface behind nock: the account, teams, labels and webhooks that `subtasks
// setup linear` and `subtasks doctor` read and create, kept in memory, with answers shaped like
// Linear's GraphQL (schema.graphql: Webhook, IssueLabel, WebhookCreateInput).
import { randomUUID } from "node:crypto";
import nock from "nock";
import { fixture } from "../unit/trackers/support/fixtures.ts";

export interface AdminLabel {
  id: string;
  name: string;
  teamId: string | null;
}

export interface AdminWebhook {
  id: string;
  url: string;
  enabled: boolean;
  resourceTypes: string[];
  allPublicTeams: boolean;
  secret: string;
  teamId: string | null;
}

export const TEAMS = [
  { id: "3b7c1d2e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", key: "ENG", name: "Engineering" },
  { id: "8e1f2a3b-5c6d-4e7f-9a0b-1c2d3e4f5a6b", key: "OPS", name: "Operations" },
];

export class LinearAdminWorkspace {
  readonly labels: AdminLabel[] = [];
  readonly webhooks: AdminWebhook[] = [];
  /** Mutations received, by operation name. */
  readonly mutations: string[] = [];
  admin = true;
  private readonly scope: nock.Scope;

  constructor(apiKey: string, origin = "https://api.linear.app") {
    this.scope = nock(origin)
      .persist()
      .post("/graphql")
      .reply((async (request: Request) => {
        if (request.headers.get("authorization") !== apiKey) return [400, fixture("linear/error-authentication.json")];
        const { query, variables } = (await request.clone().json()) as { query: string; variables: Record<string, any> };
        const operation = /\b(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? "?";
        if (/^\s*mutation/.test(query)) this.mutations.push(operation);
        return [200, { data: this.answer(operation, variables) }];
      }) as never);
  }

  stop(): void {
    this.scope.persist(false);
    nock.cleanAll();
  }

  private team(id: string | null) {
    const team = TEAMS.find((candidate) => candidate.id === id || candidate.key === id);
    return team ? { id: team.id, key: team.key } : null;
  }

  private answer(operation: string, variables: Record<string, any>): unknown {
    switch (operation) {
      case "AdminViewer":
        return {
          viewer: { id: "5f0c0f0e-1d2c-4b3a-8f9e-0a1b2c3d4e5f", name: "Ana Admin", email: "ana@acme.test", admin: this.admin },
          organization: { id: "0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b", name: "Acme", urlKey: "acme" },
        };
      case "AdminTeams":
        return { teams: { nodes: TEAMS } };
      case "AdminLabels":
        return {
          issueLabels: {
            nodes: this.labels.filter((label) => variables.names.includes(label.name)).map((label) => ({ id: label.id, name: label.name, team: this.team(label.teamId) })),
          },
        };
      case "AdminLabelCreate": {
        const label = { id: randomUUID(), name: variables.input.name, teamId: this.team(variables.input.teamId ?? null)?.id ?? null };
        this.labels.push(label);
        return { issueLabelCreate: { success: true, issueLabel: { id: label.id, name: label.name } } };
      }
      case "AdminWebhooks":
        return {
          webhooks: {
            nodes: this.webhooks.map((hook) => ({
              id: hook.id,
              url: hook.url,
              enabled: hook.enabled,
              resourceTypes: hook.resourceTypes,
              allPublicTeams: hook.allPublicTeams,
              secret: hook.secret,
              team: this.team(hook.teamId),
            })),
          },
        };
      case "AdminWebhookCreate": {
        const input = variables.input;
        const hook: AdminWebhook = {
          id: randomUUID(),
          url: input.url,
          enabled: input.enabled ?? true,
          resourceTypes: input.resourceTypes,
          allPublicTeams: input.allPublicTeams ?? false,
          // Linear makes one when none is given.
          secret: input.secret ?? `lin_wh_${randomUUID()}`,
          teamId: this.team(input.teamId ?? null)?.id ?? null,
        };
        this.webhooks.push(hook);
        return { webhookCreate: { success: true, webhook: { id: hook.id, enabled: hook.enabled } } };
      }
      default:
        throw new Error(`LinearAdminWorkspace has no answer for ${operation}`);
    }
  }
}
