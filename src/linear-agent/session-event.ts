// An AgentSessionEvent as the bot reads it (AgentSessionEventWebhookPayload in @linear/sdk):
// `created` when the app is delegated an issue or @mentioned, `prompted` when a person writes in
// the session. Only the fields the bot uses are read; everything else is left alone.
// https://linear.app/developers/agent-interaction
import { z } from "zod";
import { MAX_INSTRUCTION_CHARS } from "../generation/limits.ts";
import { HttpError } from "../http/errors.ts";
import { ErrorCode } from "../errors/codes.ts";
import { displayText, firstIssue } from "../webhooks/text.ts";

export const AGENT_SESSION_EVENT = "AgentSessionEvent";

export interface AgentSessionEvent {
  readonly deliveryId: string;
  readonly action: "created" | "prompted" | string;
  readonly webhookTimestamp: number;
  readonly organizationId: string;
  readonly sessionId: string;
  /** The issue the session is on; null for a session elsewhere (a document). */
  readonly issue: { readonly id: string; readonly identifier: string } | null;
  /** The person who opened the session (delegated or mentioned). */
  readonly creator: { readonly id: string; readonly name?: string } | null;
  /** `created`: the comment's text without the mention, the first instruction; null when none. */
  readonly instruction: string | null;
  /** `prompted`: what the person wrote (or chose), and their signal (stop). */
  readonly prompt: { readonly body: string; readonly signal: string | null } | null;
}

const id = z.string().min(1).max(200);
const schema = z.object({
  type: z.literal(AGENT_SESSION_EVENT),
  action: z.string().min(1).max(50),
  webhookTimestamp: z.number(),
  organizationId: id,
  agentSession: z.object({
    id,
    issue: z.object({ id, identifier: z.string().regex(/^[A-Za-z0-9_]{1,20}-\d{1,10}$/, "must be an issue identifier such as ENG-123") }).nullish(),
    comment: z.object({ body: z.string().max(200_000).nullish() }).nullish(),
    creator: z.object({ id, name: z.string().nullish() }).nullish(),
  }),
  agentActivity: z
    .object({
      content: z.object({ type: z.string(), body: z.string().max(200_000).nullish() }).nullish(),
      signal: z.string().nullish(),
    })
    .nullish(),
});

/** Whether a parsed Linear body is an agent session event (the rest are entity webhooks). */
export function isAgentSessionEvent(body: unknown): boolean {
  return typeof body === "object" && body !== null && (body as { type?: unknown }).type === AGENT_SESSION_EVENT;
}

/**
 * A comment that mentions the bot, as an instruction: mentions (@name, or a link to a profile)
 * are dropped, and what is left is the person's ask. Capped like any instruction.
 */
export function instructionFromComment(body: string | null | undefined): string | null {
  if (!body) return null;
  const text = body
    .replace(/https:\/\/linear\.app\/[^\s)]+\/profiles\/[^\s)]+/g, " ")
    .replace(/(^|\s)@[\w.-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text === "" ? null : text.slice(0, MAX_INSTRUCTION_CHARS);
}

export function parseAgentSessionEvent(body: unknown, deliveryId: string): AgentSessionEvent {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new HttpError(400, ErrorCode.InvalidPayload, `not a Linear agent session event: ${firstIssue(parsed.error)}`);
  }
  const event = parsed.data;
  const creatorName = displayText(event.agentSession.creator?.name);
  const activity = event.agentActivity;
  return {
    deliveryId,
    action: event.action,
    webhookTimestamp: event.webhookTimestamp,
    organizationId: event.organizationId,
    sessionId: event.agentSession.id,
    issue: event.agentSession.issue ?? null,
    creator: event.agentSession.creator ? { id: event.agentSession.creator.id, ...(creatorName ? { name: creatorName } : {}) } : null,
    instruction: event.action === "created" ? instructionFromComment(event.agentSession.comment?.body) : null,
    prompt: activity ? { body: (activity.content?.body ?? "").trim(), signal: activity.signal ?? null } : null,
  };
}
