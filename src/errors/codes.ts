// Every error code the bot uses, in one place, as bolt-js keeps its ErrorCode: stable snake_case
// strings that logs, metrics, RunStory.errorMsg prefixes and HTTP bodies carry, and that tests
// and operators can rely on. A code says what went wrong; the error's message says it for a person.

export const ErrorCode = {
  // What a person or a file gave us.
  BadReference: "bad_reference",
  InvalidStoryFile: "invalid_story_file",

  // Trackers (Linear, Jira).
  TrackerNotConfigured: "tracker_not_configured",
  StoryNotFound: "story_not_found",
  TrackerAuthFailed: "tracker_auth_failed",
  TrackerForbidden: "tracker_forbidden",
  TrackerRateLimited: "tracker_rate_limited",
  TrackerUnavailable: "tracker_unavailable",
  TrackerRequestRejected: "tracker_request_rejected",
  TrackerResponseInvalid: "tracker_response_invalid",
  NoSubtaskIssueType: "no_subtask_issue_type",
  NoStoryIssueType: "no_story_issue_type",
  NotAnEpic: "not_an_epic",

  // The model.
  GenerationUnavailable: "generation_unavailable",
  ModelRateLimited: "model_rate_limited",
  SpendLimitReached: "spend_limit_reached",
  ModelOverloaded: "model_overloaded",
  ModelUnavailable: "model_unavailable",
  ModelTimeout: "model_timeout",
  GenerationRejected: "generation_rejected",
  InvalidOutput: "invalid_output",
  OutputTruncated: "output_truncated",
  ModelRefused: "model_refused",

  // Runs and the write-back.
  SyncIncomplete: "sync_incomplete",
  ProposalMissing: "proposal_missing",
  SubtaskCodeTaken: "subtask_code_taken",

  // HTTP edges (webhooks, health).
  InvalidJson: "invalid_json",
  InvalidPayload: "invalid_payload",
  BodyTooLarge: "body_too_large",
  UnsupportedEncoding: "unsupported_encoding",
  UnsupportedCharset: "unsupported_charset",
  RequestAborted: "request_aborted",
  InvalidSize: "invalid_size",
  MissingSignature: "missing_signature",
  InvalidSignature: "invalid_signature",
  StaleDelivery: "stale_delivery",
  WebhookSecretUnset: "webhook_secret_unset",
  DeliveryNotStored: "delivery_not_stored",
  NotFound: "not_found",

  // Anything we did not expect: a bug or an outage without a better name.
  Internal: "internal",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
