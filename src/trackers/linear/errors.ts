// Maps what @linear/sdk throws (LinearError subclasses, or the fetch TypeError it lets through
// on a network failure) to the port's typed errors.
// Linear answers most failures with HTTP 200 or 400 and a GraphQL error whose
// `extensions.code`/`extensions.type` says what happened ("Entity not found: Issue" with
// INPUT_ERROR, RATELIMITED, AUTHENTICATION_ERROR, FORBIDDEN); the HTTP status alone is not enough.
// https://linear.app/developers/rate-limiting

import { LinearError, LinearErrorType } from "@linear/sdk";
import type { AppError } from "../../errors/app-error.ts";
import {
  TrackerForbidden,
  TrackerRateLimited,
  StoryNotFound,
  TrackerAuthFailed,
  TrackerRequestRejected,
  TrackerUnavailable,
} from "../errors.ts";
import { linearIdentity } from "./identity.ts";
import { linearRetryAfterMs } from "./rate-limit.ts";

export interface LinearErrorContext {
  /** What the call was doing, for messages ("read ENG-123", "create sub-issues of ENG-123"). */
  readonly action: string;
  /** Set when "not found" means the story (or project) the person asked for. */
  readonly notFoundKey?: string;
  readonly notFoundKind?: "issue" | "project";
  readonly now: () => number;
}

interface RawGraphqlError {
  readonly message?: unknown;
  readonly extensions?: { readonly code?: unknown; readonly type?: unknown; readonly userPresentableMessage?: unknown };
}

export function mapLinearError(error: unknown, context: LinearErrorContext): AppError {
  if (!(error instanceof LinearError)) {
    // rawRequest lets fetch's own failure through unwrapped: DNS, refused connection, reset.
    const detail = error instanceof Error ? error.message : String(error);
    return new TrackerUnavailable(linearIdentity, `network error: ${detail}`, { cause: error });
  }
  const response = error.raw?.response;
  const raw = (response?.errors ?? []) as readonly RawGraphqlError[];
  const codes = new Set(raw.map((entry) => String(entry.extensions?.code ?? "").toUpperCase()));
  const types = new Set((error.errors ?? []).map((entry) => entry.type));
  const status = error.status;
  const message = linearMessage(error, raw);

  if (status === 429 || codes.has("RATELIMITED") || types.has(LinearErrorType.Ratelimited)) {
    const retryAfterMs = linearRetryAfterMs(response?.headers, context.now());
    return new TrackerRateLimited(linearIdentity, { ...(retryAfterMs === undefined ? {} : { retryAfterMs }), cause: error });
  }
  if (status === 401 || codes.has("AUTHENTICATION_ERROR") || types.has(LinearErrorType.AuthenticationError)) {
    return new TrackerAuthFailed(
      linearIdentity,
      `Linear refused the API key (${message}): check LINEAR_API_KEY — a personal API key from Linear → Settings → Security & access, sent as is.`,
      { cause: error },
    );
  }
  if (status === 403 || codes.has("FORBIDDEN") || types.has(LinearErrorType.Forbidden)) {
    return new TrackerForbidden(linearIdentity, `Linear did not allow the bot to ${context.action}: ${message}`, { cause: error });
  }
  if (raw.some((entry) => /entity not found|could not find/i.test(`${String(entry.message ?? "")} ${String(entry.extensions?.userPresentableMessage ?? "")}`))) {
    if (context.notFoundKey) {
      return new StoryNotFound(linearIdentity, context.notFoundKey, { kind: context.notFoundKind ?? "issue", cause: error });
    }
    return new TrackerRequestRejected(linearIdentity, `Linear could not ${context.action}: ${message}`, { cause: error });
  }
  if (
    (status !== undefined && status >= 500) ||
    types.has(LinearErrorType.InternalError) ||
    types.has(LinearErrorType.NetworkError) ||
    types.has(LinearErrorType.LockTimeout)
  ) {
    return new TrackerUnavailable(linearIdentity, status ? `HTTP ${status}` : message, { cause: error });
  }
  return new TrackerRequestRejected(linearIdentity, `Linear refused to ${context.action}: ${message}`, { cause: error });
}

/** The message Linear meant for people, else the GraphQL message, else the SDK's summary. */
function linearMessage(error: LinearError, raw: readonly RawGraphqlError[]): string {
  const first = raw[0];
  const presentable = first?.extensions?.userPresentableMessage;
  if (typeof presentable === "string" && presentable) return presentable;
  if (typeof first?.message === "string" && first.message) return first.message;
  return error.message.split(": {")[0] ?? error.message;
}
