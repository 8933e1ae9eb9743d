// Sends tracker webhook deliveries the way Linear and Jira do: a fixture from
// test/fixtures/webhooks/ (real-shaped payloads) with its timestamp filled in at send time,
// serialised once, signed over those exact bytes, and posted with the provider's headers.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { signBody } from "../../../src/webhooks/signature.ts";

const root = new URL("../../fixtures/webhooks/", import.meta.url);

/** A payload from test/fixtures/webhooks/<provider>/, parsed afresh (tests may change it). */
export function webhookFixture<T = any>(path: string): T {
  return JSON.parse(readFileSync(new URL(path, root), "utf8")) as T;
}

export interface Sent {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

async function post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<Sent> {
  const response = await fetch(url, { method: "POST", headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the assertion to show
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

export interface LinearSendOptions {
  /** The signing secret; a wrong one forges the signature. */
  readonly secret: string;
  /** Linear-Delivery; a fresh UUID by default. Null leaves the header out. */
  readonly deliveryId?: string | null;
  /** webhookTimestamp; now by default (Linear stamps each attempt when it sends it). */
  readonly timestamp?: number;
  /** Replaces Linear-Signature (null leaves it out). */
  readonly signature?: string | null;
  /** Sends these bytes instead of the serialised payload (signed all the same). */
  readonly rawBody?: string | Buffer;
}

export function sendLinear(baseUrl: string, payload: Record<string, any>, options: LinearSendOptions): Promise<Sent> {
  const body = options.rawBody ?? JSON.stringify({ ...payload, webhookTimestamp: options.timestamp ?? Date.now() });
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "user-agent": "Linear-Webhook",
    "linear-event": String(payload.type ?? "Issue"),
  };
  const deliveryId = options.deliveryId === undefined ? randomUUID() : options.deliveryId;
  if (deliveryId !== null) headers["linear-delivery"] = deliveryId;
  const signature = options.signature === undefined ? signBody(body, options.secret) : options.signature;
  if (signature !== null) headers["linear-signature"] = signature;
  return post(`${baseUrl}/webhooks/linear`, body, headers);
}

export interface JiraSendOptions {
  readonly secret: string;
  /** X-Atlassian-Webhook-Identifier; a fresh one by default. Null leaves the header out. */
  readonly identifier?: string | null;
  /** The body's timestamp; now by default. Jira keeps it on retries: pass the first one. */
  readonly timestamp?: number;
  /** X-Atlassian-Webhook-Retry, as Jira sets it on a retry. */
  readonly retry?: number;
  /** Replaces X-Hub-Signature (null leaves it out). */
  readonly signature?: string | null;
  readonly rawBody?: string | Buffer;
}

export function sendJira(baseUrl: string, payload: Record<string, any>, options: JiraSendOptions): Promise<Sent> {
  const body = options.rawBody ?? JSON.stringify({ ...payload, timestamp: options.timestamp ?? Date.now() });
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=UTF-8",
    "user-agent": "Atlassian Webhook HTTP Client",
    "x-atlassian-webhook-flow": "Primary",
  };
  const identifier = options.identifier === undefined ? String(Math.floor(Math.random() * 1e12)) : options.identifier;
  if (identifier !== null) headers["x-atlassian-webhook-identifier"] = identifier;
  if (options.retry !== undefined) headers["x-atlassian-webhook-retry"] = String(options.retry);
  const signature = options.signature === undefined ? `sha256=${signBody(body, options.secret)}` : options.signature;
  if (signature !== null) headers["x-hub-signature"] = signature;
  return post(`${baseUrl}/webhooks/jira`, body, headers);
}
