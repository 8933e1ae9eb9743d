// The Linear agent's end-to-end world: the environment of a bot installed as a Linear OAuth app,
// the installation itself, and agent session events sent as Linear sends them (signed with the
// app's webhook secret, stamped at send time).
import { randomUUID } from "node:crypto";
import type { TestApp } from "../../support/app.ts";
import { AGENT_APP } from "../../support/linear-workspace.ts";
import { sendLinear, webhookFixture, type Sent } from "../../support/webhooks/deliveries.ts";

export const ANTHROPIC = "https://anthropic.test";
export const WORKSPACE_SECRET = "lin_wh_workspace_5e6f7a8b9c0d1e2f3a4b";
export const APP_SECRET = "lin_wh_app_1a2b3c4d5e6f7a8b9c0d";
export const API_KEY = "lin_api_agent_test_key_0000";
export const APP_TOKEN = "lin_oauth_app_token_0123456789abcdef";
export const TOKEN_KEY = "3f".repeat(32);
export const SESSION = "a6e1f0c2-8d3b-4e5f-9a1c-2b3d4e5f6a7b";
export const ISSUE_ID = "8f7e6d5c-4b3a-4c2d-9e1f-0a9b8c7d6e5f";

export function agentEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    LINEAR_API_KEY: API_KEY,
    LINEAR_WEBHOOK_SECRET: WORKSPACE_SECRET,
    LINEAR_CLIENT_ID: "6f1e2d3c4b5a69788796a5b4c3d2e1f0",
    LINEAR_CLIENT_SECRET: "lin_client_secret_9a8b7c6d5e4f",
    LINEAR_APP_WEBHOOK_SECRET: APP_SECRET,
    LINEAR_OAUTH_URL: "https://linear.test/oauth/authorize",
    LINEAR_TOKEN_URL: "https://linear.test/oauth/token",
    PUBLIC_URL: "https://subtasks.example.com",
    TOKEN_ENCRYPTION_KEY: TOKEN_KEY,
    ANTHROPIC_API_KEY: "sk-ant-api03-agent-test-0000",
    ANTHROPIC_BASE_URL: ANTHROPIC,
    ...extra,
  };
}

/** The bot installed in the workspace, as the OAuth callback leaves it. */
export async function install(app: TestApp): Promise<void> {
  await app.core.linearAgent!.installations.save(AGENT_APP, { access_token: APP_TOKEN, token_type: "Bearer", scope: "read,write,app:assignable,app:mentionable" });
}

export interface EventOptions {
  readonly deliveryId?: string;
  readonly secret?: string;
  readonly timestamp?: number;
}

/** `created`: the bot was delegated ENG-1 (or, with `comment`, mentioned in that comment). */
export function sendCreated(app: TestApp, options: EventOptions & { readonly comment?: string; readonly issue?: { id: string; identifier: string } } = {}): Promise<Sent> {
  const payload = webhookFixture("linear/agent-session-created.json");
  if (options.comment) {
    payload.agentSession.commentId = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";
    payload.agentSession.comment = { id: payload.agentSession.commentId, body: options.comment, userId: payload.agentSession.creatorId };
  }
  if (options.issue) payload.agentSession.issue = { ...payload.agentSession.issue, ...options.issue };
  return send(app, payload, options);
}

/** `prompted`: a person wrote `body` in the session (or chose an option; `signal: "stop"` to stop). */
export function sendPrompted(app: TestApp, body: string, options: EventOptions & { readonly signal?: "stop" } = {}): Promise<Sent> {
  const payload = webhookFixture("linear/agent-session-prompted.json");
  payload.agentActivity.id = randomUUID();
  payload.agentActivity.content.body = body;
  payload.agentActivity.signal = options.signal ?? null;
  return send(app, payload, options);
}

function send(app: TestApp, payload: Record<string, unknown>, options: EventOptions): Promise<Sent> {
  return sendLinear(app.baseUrl, payload, {
    secret: options.secret ?? APP_SECRET,
    ...(options.deliveryId ? { deliveryId: options.deliveryId } : {}),
    ...(options.timestamp ? { timestamp: options.timestamp } : {}),
  });
}
