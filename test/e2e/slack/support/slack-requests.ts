// Requests as Slack sends them to POST /slack/events, signed with the app's signing secret:
// v0=HMAC-SHA256(secret, "v0:{timestamp}:{raw body}") in X-Slack-Signature.
// https://docs.slack.dev/authentication/verifying-requests-from-slack
import { createHmac } from "node:crypto";
import { RESPONSE_URL_ORIGIN } from "./slack-api.ts";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const BOT_TOKEN = "xoxb-1111-2222-test-token";
export const CHANNEL = "C0RUNS";
export const REQUESTER = "U0ALICE";
export const STRANGER = "U0MALLORY";
export const ADMIN = "U0ADMIN";
/**
 * Slack shows the person an error when a command or a click is not acknowledged within 3 s:
 * the bound an ack must meet in a test. How fast it really is, is a figure of npm run bench:ack.
 */
export const SLACK_ACK_DEADLINE_MS = 3_000;

export function slackEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: "https://slack.test/api/", ...extra };
}

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SentRequest {
  readonly status: number;
  readonly text: string;
  readonly json: any;
  /** From sending the request to the whole answer read. */
  readonly ms: number;
}

export interface SendOptions {
  readonly timestamp?: number;
  readonly signature?: string;
  readonly contentType?: string;
}

export async function sendToSlackEndpoint(baseUrl: string, body: string, options: SendOptions = {}): Promise<SentRequest> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const started = performance.now();
  const response = await fetch(`${baseUrl}/slack/events`, {
    method: "POST",
    headers: {
      "content-type": options.contentType ?? "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": options.signature ?? sign(body, timestamp),
    },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, text, json, ms };
}

let responseCounter = 0;

export function slashCommandBody(text: string, overrides: Record<string, string> = {}): string {
  const responsePath = `/commands/T0ACME/${++responseCounter}/secret`;
  return new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: "T0ACME",
    team_domain: "acme",
    channel_id: CHANNEL,
    channel_name: "runs",
    user_id: REQUESTER,
    user_name: "alice",
    command: "/subtasks",
    text,
    api_app_id: "A0SUBTASKS",
    is_enterprise_install: "false",
    response_url: `${RESPONSE_URL_ORIGIN}${responsePath}`,
    trigger_id: "13345224609.738474920.8088930838d88f008e0",
    ...overrides,
  }).toString();
}

export function sendCommand(baseUrl: string, text: string, overrides: Record<string, string> = {}, options: SendOptions = {}): Promise<SentRequest> {
  return sendToSlackEndpoint(baseUrl, slashCommandBody(text, overrides), options);
}

export interface ButtonPress {
  readonly user: string;
  readonly actionId: string;
  readonly blockId: string;
  readonly value: string;
  readonly channel: string;
  readonly messageTs: string;
}

/** What every interaction payload says of where it comes from: the workspace, the person, the app. */
function interaction(user: string) {
  return {
    team: { id: "T0ACME", domain: "acme" },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: "T0ACME" },
    api_app_id: "A0SUBTASKS",
    token: "deprecated-verification-token",
  };
}

export function blockActionsBody(press: ButtonPress): string {
  const payload = {
    type: "block_actions",
    ...interaction(press.user),
    container: { type: "message", message_ts: press.messageTs, channel_id: press.channel, is_ephemeral: false },
    trigger_id: "13345224609.738474920.8088930838d88f008e0",
    channel: { id: press.channel, name: "runs" },
    message: { type: "message", ts: press.messageTs, text: "review", user: "U0BOT" },
    response_url: `${RESPONSE_URL_ORIGIN}/actions/T0ACME/${++responseCounter}/secret`,
    actions: [
      {
        type: "button",
        action_id: press.actionId,
        block_id: press.blockId,
        value: press.value,
        text: { type: "plain_text", text: "Create" },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
    state: { values: {} },
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function pressButton(baseUrl: string, press: ButtonPress): Promise<SentRequest> {
  return sendToSlackEndpoint(baseUrl, blockActionsBody(press));
}

export function appHomeOpenedBody(user: string): string {
  return JSON.stringify({
    token: "deprecated-verification-token",
    team_id: "T0ACME",
    api_app_id: "A0SUBTASKS",
    event: { type: "app_home_opened", user, channel: "D0HOME", tab: "home", event_ts: `${Date.now() / 1000}` },
    type: "event_callback",
    event_id: `Ev0${++responseCounter}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: "T0ACME", user_id: "U0BOT", is_bot: true, is_enterprise_install: false }],
  });
}

export function openAppHome(baseUrl: string, user: string): Promise<SentRequest> {
  return sendToSlackEndpoint(baseUrl, appHomeOpenedBody(user), { contentType: "application/json" });
}

export interface ViewSubmission {
  readonly user: string;
  readonly callbackId: string;
  readonly privateMetadata: string;
  /** state.values as Slack sends them: block_id → action_id → { type, value | selected_option }. */
  readonly values: Record<string, Record<string, Record<string, unknown>>>;
  readonly viewId?: string;
}

/** A modal's submission (view_submission), as Slack posts it to the interactivity URL. */
export function viewSubmissionBody(submission: ViewSubmission): string {
  const payload = {
    type: "view_submission",
    ...interaction(submission.user),
    trigger_id: "13345224609.738474920.8088930838d88f008e1",
    view: {
      id: submission.viewId ?? "V0MODAL1",
      team_id: "T0ACME",
      type: "modal",
      blocks: [],
      private_metadata: submission.privateMetadata,
      callback_id: submission.callbackId,
      state: { values: submission.values },
      hash: "1767000000.abcdef",
      title: { type: "plain_text", text: "Modal" },
      app_id: "A0SUBTASKS",
      bot_id: "B0BOT",
    },
    response_urls: [],
    is_enterprise_install: false,
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function submitView(baseUrl: string, submission: ViewSubmission): Promise<SentRequest> {
  return sendToSlackEndpoint(baseUrl, viewSubmissionBody(submission));
}

/** A button pressed in App Home (no channel, no response_url). */
export function pressHomeButton(baseUrl: string, press: { user: string; actionId: string; blockId: string; value: string }): Promise<SentRequest> {
  const payload = {
    type: "block_actions",
    ...interaction(press.user),
    container: { type: "view", view_id: "V0HOME" },
    trigger_id: "13345224609.738474920.8088930838d88f008e2",
    view: { id: "V0HOME", type: "home", blocks: [], private_metadata: "", callback_id: "", state: { values: {} }, hash: "1767000000.home" },
    actions: [{ type: "button", action_id: press.actionId, block_id: press.blockId, value: press.value, text: { type: "plain_text", text: "Team settings" }, action_ts: `${Date.now() / 1000}` }],
  };
  return sendToSlackEndpoint(baseUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
}

/** An option picked in a modal's select that dispatches actions (block_actions from a view). */
export function pickInModal(baseUrl: string, pick: { user: string; viewId: string; actionId: string; blockId: string; value: string }): Promise<SentRequest> {
  const payload = {
    type: "block_actions",
    ...interaction(pick.user),
    container: { type: "view", view_id: pick.viewId },
    trigger_id: "13345224609.738474920.8088930838d88f008e3",
    view: { id: pick.viewId, type: "modal", blocks: [], private_metadata: "", callback_id: "team_settings", state: { values: {} }, hash: "1767000000.modal" },
    actions: [
      {
        type: "static_select",
        action_id: pick.actionId,
        block_id: pick.blockId,
        selected_option: { text: { type: "plain_text", text: pick.value }, value: pick.value },
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
  return sendToSlackEndpoint(baseUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
}
