// Linear's agent API on one app token: activities, session updates, sessions opened by the bot,
// and who the app is. Sent through the same call helper as the tracker adapter (retries, typed
// errors, answers checked with zod), but signed with the installation's OAuth token.
import { LinearClient } from "@linear/sdk";
import { z } from "zod";
import { sleep } from "../async/sleep.ts";
import { uuidFromName } from "../db/uuid-from-name.ts";
import type { Logger } from "../log/logger.ts";
import { TrackerRequestRejected } from "../trackers/errors.ts";
import { createLinearCall, type LinearCall } from "../trackers/linear/graphql.ts";
import { linearIssueId } from "../trackers/linear/issue-id.ts";
import { TRACKER_REQUEST_TIMEOUT_MS } from "../trackers/support/request-timeout.ts";
import type { ActivityContent, ExternalUrl, PlanStep } from "./activities.ts";
import { agentActivityCreateMutation, agentSessionCreateOnIssueMutation, agentSessionUpdateMutation, appViewerQuery } from "./documents.ts";

const successAnswer = (field: string) => z.object({ [field]: z.object({ success: z.boolean() }) });
const sessionCreatedAnswer = z.object({
  agentSessionCreateOnIssue: z.object({ success: z.boolean(), agentSession: z.object({ id: z.string() }) }),
});
const viewerAnswer = z.object({ viewer: z.object({ id: z.string(), organization: z.object({ id: z.string(), name: z.string() }) }) });

/**
 * An activity's id, derived from what it says about which step: the same step always gets the
 * same id, so Linear keeps it once however often it is sent. Shaped as a UUID v4, the format
 * AgentActivityCreateInput.id takes.
 */
export function activityId(name: string): string {
  return linearIssueId(uuidFromName(`linear-agent:${name}`));
}

export interface Activity {
  /** Our own id (UUID): Linear refuses a second activity with it, so a resend after a crash is a no-op. */
  readonly id: string;
  readonly content: ActivityContent;
  readonly signal?: "select" | "stop" | "continue" | "auth";
  readonly signalMetadata?: Record<string, unknown>;
  readonly ephemeral?: boolean;
}

export interface AgentApi {
  /** False when Linear already has an activity with this id (sent before a restart). */
  createActivity(sessionId: string, activity: Activity): Promise<boolean>;
  updateSession(sessionId: string, update: { readonly plan?: readonly PlanStep[]; readonly externalUrls?: readonly ExternalUrl[] }): Promise<void>;
  createSessionOnIssue(issueId: string, externalUrls?: readonly ExternalUrl[]): Promise<string>;
  viewer(): Promise<{ appUserId: string; organizationId: string; organizationName: string }>;
}

/** Linear's answer to an id it has already seen ("… with this id already exists"). */
function isIdTaken(error: unknown): boolean {
  return error instanceof TrackerRequestRejected && /already exists/i.test(error.message);
}

export function createAgentApi(deps: { readonly accessToken: string; readonly apiUrl: string; readonly logger: Logger }): AgentApi {
  const call: LinearCall = createLinearCall({
    client: new LinearClient({ accessToken: deps.accessToken, apiUrl: deps.apiUrl }),
    logger: deps.logger,
    sleep,
    now: Date.now,
    requestTimeoutMs: TRACKER_REQUEST_TIMEOUT_MS,
  });
  return {
    async createActivity(sessionId, activity) {
      const input = {
        id: activity.id,
        agentSessionId: sessionId,
        content: activity.content,
        ...(activity.signal ? { signal: activity.signal } : {}),
        ...(activity.signalMetadata ? { signalMetadata: activity.signalMetadata } : {}),
        ...(activity.ephemeral ? { ephemeral: true } : {}),
      };
      try {
        await call(agentActivityCreateMutation, { input }, successAnswer("agentActivityCreate"), { action: `send a ${activity.content.type} to agent session ${sessionId}` });
        return true;
      } catch (error) {
        if (isIdTaken(error)) return false;
        throw error;
      }
    },
    async updateSession(sessionId, update) {
      await call(agentSessionUpdateMutation, { id: sessionId, input: update }, successAnswer("agentSessionUpdate"), {
        action: `update agent session ${sessionId}`,
      });
    },
    async createSessionOnIssue(issueId, externalUrls) {
      const answer = await call(
        agentSessionCreateOnIssueMutation,
        { input: { issueId, ...(externalUrls && externalUrls.length > 0 ? { externalUrls } : {}) } },
        sessionCreatedAnswer,
        { action: `open an agent session on ${issueId}`, retryOn: "rate-limit" },
      );
      return answer.agentSessionCreateOnIssue.agentSession.id;
    },
    async viewer() {
      const answer = await call(appViewerQuery, {}, viewerAnswer, { action: "read the app user" });
      return { appUserId: answer.viewer.id, organizationId: answer.viewer.organization.id, organizationName: answer.viewer.organization.name };
    },
  };
}
