// The bot as a Linear agent: its installations and the agent API on the right workspace's app
// token. Built once by the core when LINEAR_CLIENT_ID is set; the OAuth routes, the session
// events and the reporter all speak through it.
import type { PrismaClient } from "../generated/prisma/client.ts";
import type { Logger } from "../log/logger.ts";
import type { LinearAgentConfig } from "../trackers/linear/config.ts";
import { createAgentApi, type Activity, type AgentApi } from "./agent-api.ts";
import { LinearInstallations } from "./installations.ts";
import { TokenCipher } from "./token-cipher.ts";

export interface LinearAgentDeps {
  readonly prisma: PrismaClient;
  readonly oauth: LinearAgentConfig;
  /** LINEAR_API_URL: the agent API is Linear's GraphQL endpoint. */
  readonly apiUrl: string;
  readonly tokenEncryptionKey: string;
  readonly publicUrl: string;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
}

export class LinearAgent {
  readonly installations: LinearInstallations;
  readonly oauth: LinearAgentConfig;
  readonly publicUrl: string;
  private readonly apiUrl: string;
  private readonly logger: Logger;

  constructor(deps: LinearAgentDeps) {
    this.installations = new LinearInstallations({
      prisma: deps.prisma,
      cipher: new TokenCipher(deps.tokenEncryptionKey),
      oauth: deps.oauth,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    this.oauth = deps.oauth;
    this.publicUrl = deps.publicUrl;
    this.apiUrl = deps.apiUrl;
    this.logger = deps.logger.child({ component: "linear-agent" });
  }

  /** The agent API on a given token (right after the OAuth exchange). */
  apiWithToken(accessToken: string): AgentApi {
    return createAgentApi({ accessToken, apiUrl: this.apiUrl, logger: this.logger });
  }

  /** The agent API on a workspace's app token (the only one when null); null: not installed there. */
  async apiFor(organizationId: string | null): Promise<AgentApi | null> {
    const token = await this.installations.accessToken(organizationId);
    return token ? this.apiWithToken(token) : null;
  }

  /** Sends one activity, for callers that must not fail on it (it is logged instead). */
  async say(sessionId: string, organizationId: string | null, activity: Activity): Promise<void> {
    try {
      const api = await this.apiFor(organizationId);
      if (!api) {
        this.logger.warn({ sessionId, organizationId }, "no Linear app installation for this workspace; activity not sent");
        return;
      }
      await api.createActivity(sessionId, activity);
    } catch (error) {
      this.logger.warn({ err: error, sessionId, type: activity.content.type }, "agent activity not sent");
    }
  }
}
