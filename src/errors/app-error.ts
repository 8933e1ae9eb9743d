import type { ErrorCode } from "./codes.ts";

/**
 * Base of every error the bot expects: it carries a stable code, a message a person can act
 * on (shown in Slack, stored in RunStory.errorMsg), and whether trying again later may help.
 * The run layer retries only retryable errors; the edges (HTTP, Slack) map codes to answers.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** When the provider said to come back (Retry-After, rate-limit reset), in ms from now. */
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
