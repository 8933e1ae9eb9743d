// The typed errors of the Tracker port. Adapters map every SDK/HTTP failure to one of these,
// so the run layer and the edges (Slack, HTTP) never see a raw provider error.

import { AppError } from "../errors/app-error.ts";
import { ErrorCode } from "../errors/codes.ts";
import type { TrackerIdentity, TrackerName } from "./types.ts";

/** What a person typed is not a key or a link the bot can use. */
export class BadReference extends AppError {
  constructor(message: string) {
    super(ErrorCode.BadReference, message);
  }
}

export class StoryNotFound extends AppError {
  readonly tracker: TrackerName;
  readonly key: string;
  constructor(tracker: TrackerIdentity, key: string, options: { kind?: "issue" | "project"; cause?: unknown } = {}) {
    super(
      ErrorCode.StoryNotFound,
      `${tracker.displayName} has no ${options.kind ?? "issue"} ${key}, or the bot's account cannot see it`,
      { cause: options.cause },
    );
    this.tracker = tracker.name;
    this.key = key;
  }
}

/** The credentials were refused (HTTP 401): the message names the settings to check. */
export class TrackerAuthFailed extends AppError {
  readonly tracker: TrackerName;
  constructor(tracker: TrackerIdentity, message: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.TrackerAuthFailed, message, options);
    this.tracker = tracker.name;
  }
}

/** Authenticated, but not allowed (HTTP 403 or a FORBIDDEN GraphQL error). */
export class TrackerForbidden extends AppError {
  readonly tracker: TrackerName;
  /** The permission that is missing, when the provider or the operation tells it. */
  readonly permission: string | undefined;
  constructor(tracker: TrackerIdentity, message: string, options: { permission?: string; cause?: unknown } = {}) {
    super(ErrorCode.TrackerForbidden, message, { cause: options.cause });
    this.tracker = tracker.name;
    this.permission = options.permission;
  }
}

/** The provider asked us to slow down and the bot's own retries did not get through. */
export class TrackerRateLimited extends AppError {
  readonly tracker: TrackerName;
  constructor(tracker: TrackerIdentity, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    const wait =
      options.retryAfterMs === undefined ? "" : ` (it asked to wait ${Math.ceil(options.retryAfterMs / 1000)} s)`;
    super(ErrorCode.TrackerRateLimited, `${tracker.displayName} is rate limiting the bot${wait}; try again later`, {
      retryable: true,
      ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      cause: options.cause,
    });
    this.tracker = tracker.name;
  }
}

/** A 5xx answer or a network failure: trying again later may help. */
export class TrackerUnavailable extends AppError {
  readonly tracker: TrackerName;
  constructor(tracker: TrackerIdentity, detail: string, options: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(ErrorCode.TrackerUnavailable, `${tracker.displayName} is unavailable (${detail}); try again later`, {
      retryable: true,
      ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
      cause: options.cause,
    });
    this.tracker = tracker.name;
  }
}

/** The provider refused the request itself (validation, a bad field): trying again will not help. */
export class TrackerRequestRejected extends AppError {
  readonly tracker: TrackerName;
  constructor(tracker: TrackerIdentity, message: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.TrackerRequestRejected, message, options);
    this.tracker = tracker.name;
  }
}

/** The provider answered with something that is not the documented shape. */
export class TrackerResponseInvalid extends AppError {
  readonly tracker: TrackerName;
  constructor(tracker: TrackerIdentity, what: string, options: { cause?: unknown } = {}) {
    super(ErrorCode.TrackerResponseInvalid, `${tracker.displayName} sent an unexpected answer to ${what}`, options);
    this.tracker = tracker.name;
  }
}

/** A stories run named something that is not an epic. */
export class NotAnEpic extends AppError {
  readonly key: string;
  constructor(tracker: TrackerIdentity, key: string) {
    super(
      ErrorCode.NotAnEpic,
      `${key} is not an epic: stories are made for a ${tracker.name === "jira" ? "Jira Epic" : "Linear project, or a Linear issue labelled Epic or with sub-issues of its own"}. Use /subtasks ${key} to break a story into subtasks.`,
    );
    this.key = key;
  }
}

/** A Jira project where stories cannot be created (no Story issue type on the create screen). */
export class NoStoryIssueType extends AppError {
  readonly project: string;
  constructor(project: string) {
    super(
      ErrorCode.NoStoryIssueType,
      `Jira project ${project} has no Story issue type the bot can create, so it cannot add stories there. A Jira admin can add Story to the project's issue type scheme.`,
    );
    this.project = project;
  }
}

/** A Jira project where sub-tasks cannot be created. */
export class NoSubtaskIssueType extends AppError {
  readonly project: string;
  constructor(project: string) {
    super(
      ErrorCode.NoSubtaskIssueType,
      `Jira project ${project} has no sub-task issue type, so the bot cannot add sub-tasks there. ` +
        "A Jira admin can turn sub-tasks on (Settings → Issues → Sub-tasks) and add a sub-task type to the project's issue type scheme.",
    );
    this.project = project;
  }
}
