// The HTTP transport under jira.js. jira.js builds every request (paths, query, bodies) and its
// `createCloudClient` accepts any `Client` with `sendRequest`; this one sends with fetch and, on
// an error answer, keeps the status, the body and all the headers. jira.js's own client keeps
// headers only for a 429 (`retryAfterMs`), and Jira also sends `Retry-After` with some 503s.
// Each request holds a slot of the site's budget and tells it what the rate-limit headers said.
// https://developer.atlassian.com/cloud/jira/platform/rate-limiting/

import type { Client, SendRequestOptions } from "jira.js/core";
import { withSlot, type CallBudget } from "../../budget/call-budget.ts";
import { paceFor } from "../../budget/headroom.ts";
import { TRACKER_REQUEST_TIMEOUT_MS } from "../support/request-timeout.ts";
import { jiraHeadroom, jiraRetryAfterMs } from "./rate-limit.ts";

/** A non-2xx answer from Jira. Never leaves the Jira adapter: jira/errors.ts maps it. */
export class JiraHttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
  constructor(method: string, path: string, status: number, body: unknown, headers: Headers) {
    super(`Jira answered ${method} ${path} with HTTP ${status}`);
    this.name = "JiraHttpError";
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export interface JiraTransportOptions {
  readonly baseUrl: string;
  readonly email: string;
  readonly apiToken: string;
  /** Per request; default TRACKER_REQUEST_TIMEOUT_MS. */
  readonly requestTimeoutMs?: number;
  /** The site's requests in flight and pace, shared by every process; unset: not limited. */
  readonly budget?: CallBudget | undefined;
  readonly now?: () => number;
}

export function createJiraTransport(options: JiraTransportOptions): Client {
  const authorization = `Basic ${Buffer.from(`${options.email}:${options.apiToken}`, "utf8").toString("base64")}`;
  const base = options.baseUrl.replace(/\/+$/, "");
  const now = options.now ?? Date.now;
  return {
    async sendRequest<T>(request: SendRequestOptions<T>): Promise<T> {
      const method = request.method ?? "GET";
      const path = request.url.startsWith("/") ? request.url : `/${request.url}`;
      const url = new URL(base + path);
      for (const [name, value] of Object.entries(request.searchParams ?? {})) {
        const text = queryValue(value);
        if (text !== undefined) url.searchParams.set(name, text);
      }
      return withSlot(options.budget, () => send<T>(method, path, url, request), {
        ofResult: ({ headers }) => ({ kind: "ok", paceMs: paceFor(jiraHeadroom(headers, now())) }),
        ofError: (error) => (isRefusal(error) ? { kind: "refused", retryAfterMs: jiraRetryAfterMs(error.headers, now()) } : { kind: "failed" }),
      }).then(({ body }) => body);
    },
  };

  async function send<T>(method: string, path: string, url: URL, request: SendRequestOptions<T>): Promise<{ body: T; headers: Headers }> {
    const hasBody = request.body !== undefined && request.body !== null;
    const response = await fetch(url, {
      method,
      headers: {
        Accept: "application/json",
        Authorization: authorization,
        ...(hasBody ? { "Content-Type": "application/json" } : {}),
        ...request.headers,
      },
      ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
      signal: AbortSignal.timeout(options.requestTimeoutMs ?? TRACKER_REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const body = parseBody(text);
    if (!response.ok) throw new JiraHttpError(method, path, response.status, body, response.headers);
    // The adapter checks the shape of what it uses (jira/schemas.ts).
    return { body: body as T, headers: response.headers };
  }
}

/** Refused for load: a 429, or a 503 that says when to come back. */
function isRefusal(error: unknown): error is JiraHttpError {
  return error instanceof JiraHttpError && (error.status === 429 || (error.status === 503 && error.headers.has("retry-after")));
}

/** Jira takes lists as comma-separated values (fields=summary,labels). */
function queryValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(String).join(",");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
