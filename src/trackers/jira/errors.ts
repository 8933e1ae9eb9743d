// Maps a Jira failure (a JiraHttpError from the transport, or fetch's own network error) to the
// port's typed errors. Jira's error body is `{ errorMessages: string[], errors: { field: message } }`.
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes

import type { AppError } from "../../errors/app-error.ts";
import {
  TrackerForbidden,
  TrackerRateLimited,
  StoryNotFound,
  TrackerAuthFailed,
  TrackerRequestRejected,
  TrackerUnavailable,
} from "../errors.ts";
import { JiraHttpError } from "./transport.ts";
import { jiraIdentity } from "./identity.ts";
import { jiraRetryAfterMs } from "./rate-limit.ts";

export interface JiraErrorContext {
  /** What the call was doing, for messages: "read PROJ-42". */
  readonly action: string;
  /** The Jira project permission the action needs, named in a 403 message. */
  readonly permission?: string;
  /** Set when a 404 means the story the person asked for. */
  readonly notFoundKey?: string;
  readonly now: () => number;
}

export function mapJiraError(error: unknown, context: JiraErrorContext): AppError {
  if (!(error instanceof JiraHttpError)) {
    const detail = error instanceof Error ? error.message : String(error);
    return new TrackerUnavailable(jiraIdentity, `network error: ${detail}`, { cause: error });
  }
  const detail = jiraErrorText(error.body);
  const retryAfterMs = jiraRetryAfterMs(error.headers, context.now());
  const wait = retryAfterMs === undefined ? {} : { retryAfterMs };
  switch (true) {
    case error.status === 401:
      return new TrackerAuthFailed(
        jiraIdentity,
        "Jira refused the bot's credentials (HTTP 401): check JIRA_EMAIL and JIRA_API_TOKEN " +
          "(an API token of that Atlassian account, from id.atlassian.com) and that JIRA_BASE_URL is your site.",
        { cause: error },
      );
    case error.status === 403: {
      const permission = context.permission ? ` The bot's account needs the "${context.permission}" project permission.` : "";
      const reason = detail ? `: ${detail.replace(/\.+$/, "")}` : "";
      return new TrackerForbidden(jiraIdentity, `Jira did not allow the bot to ${context.action}${reason}.${permission}`, {
        ...(context.permission ? { permission: context.permission } : {}),
        cause: error,
      });
    }
    case error.status === 404:
      if (context.notFoundKey) return new StoryNotFound(jiraIdentity, context.notFoundKey, { cause: error });
      return new TrackerRequestRejected(jiraIdentity, `Jira could not ${context.action}: ${detail || "not found"}`, { cause: error });
    case error.status === 429:
      return new TrackerRateLimited(jiraIdentity, { ...wait, cause: error });
    case error.status >= 500:
      return new TrackerUnavailable(jiraIdentity, `HTTP ${error.status}`, { ...wait, cause: error });
    default:
      return new TrackerRequestRejected(jiraIdentity, `Jira refused to ${context.action}${detail ? `: ${detail}` : ` (HTTP ${error.status})`}`, {
        cause: error,
      });
  }
}

/** The messages of a Jira error body, one line. */
export function jiraErrorText(body: unknown): string {
  if (typeof body === "string") return body.trim().slice(0, 300);
  if (typeof body !== "object" || body === null) return "";
  const { errorMessages, errors } = body as { errorMessages?: unknown; errors?: unknown };
  const messages = Array.isArray(errorMessages) ? errorMessages.filter((message) => typeof message === "string") : [];
  const fieldMessages =
    typeof errors === "object" && errors !== null
      ? Object.entries(errors).map(([field, message]) => `${field}: ${String(message)}`)
      : [];
  return [...messages, ...fieldMessages].join("; ");
}
