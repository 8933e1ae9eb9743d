// Errors of the story state machine itself (the engine's and the trackers' own errors come
// typed from generation/ and trackers/).
import { AppError } from "../errors/app-error.ts";
import { ErrorCode } from "../errors/codes.ts";

/** Some tracker changes of a story's write-back failed; the next attempt finishes them. */
export class SyncIncomplete extends AppError {
  constructor(message: string) {
    super(ErrorCode.SyncIncomplete, message, { retryable: true });
  }
}

/** The story lives in a tracker this bot has no credentials for (any more). */
export class TrackerNotConfigured extends AppError {
  constructor(displayName: string) {
    super(ErrorCode.TrackerNotConfigured, `${displayName} is not configured on this bot`, { retryable: false });
  }
}

/**
 * A story reached saving without the proposal that generation stores first: the row was
 * changed behind the state machine's back. Retrying would only find the same row.
 */
export class ProposalMissing extends AppError {
  constructor(storyKey: string) {
    super(ErrorCode.ProposalMissing, `story ${storyKey} reached saving without a proposal; run it again`, { retryable: false });
  }
}
