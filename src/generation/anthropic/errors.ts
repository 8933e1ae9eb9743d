// How calls to Anthropic fail, as typed errors the run layer can record and decide on:
// `retryable` says whether trying the same story again later may help, after the in-call
// retries (send-message.ts) are spent. https://docs.anthropic.com/en/api/errors

import { AppError } from "../../errors/app-error.ts";
import { ErrorCode } from "../../errors/codes.ts";

/** What the provider told us about a failed HTTP call, for messages and logs. */
export interface ProviderDetails {
  readonly status?: number;
  readonly requestId?: string | null;
  readonly providerMessage?: string | null;
}

function suffix(details: ProviderDetails): string {
  const parts: string[] = [];
  if (details.status !== undefined) parts.push(`HTTP ${details.status}`);
  if (details.requestId) parts.push(`request ${details.requestId}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** 429 after the in-call retries, or with a retry-after longer than the engine waits in a call. */
export class ModelRateLimited extends AppError {
  constructor(details: ProviderDetails & { retryAfterMs?: number; attempts: number; cause?: unknown }) {
    const wait = details.retryAfterMs === undefined ? "" : ` Anthropic asks to wait ${Math.ceil(details.retryAfterMs / 1000)} s.`;
    super(
      ErrorCode.ModelRateLimited,
      `Anthropic rate limit reached after ${details.attempts} attempt(s)${suffix(details)}.${wait} The story can be tried again later.`,
      { retryable: true, retryAfterMs: details.retryAfterMs, cause: details.cause },
    );
  }
}

/**
 * A 429 that waiting will not clear: the organisation's spend limit is reached
 * (`error.details.error_code`, https://docs.anthropic.com/en/api/errors).
 */
export class SpendLimitReached extends AppError {
  readonly errorCode: string;
  constructor(details: ProviderDetails & { errorCode: string; cause?: unknown }) {
    super(
      ErrorCode.SpendLimitReached,
      `Anthropic refused the request because a spend limit is reached (${details.errorCode})${suffix(details)}. ` +
        "Raise the limit in the Anthropic Console; retrying will not help until then.",
      { retryable: false, cause: details.cause },
    );
    this.errorCode = details.errorCode;
  }
}

/** 529: the API is overloaded for everyone, not our quota. */
export class Overloaded extends AppError {
  constructor(details: ProviderDetails & { retryAfterMs?: number; attempts: number; cause?: unknown }) {
    super(
      ErrorCode.ModelOverloaded,
      `Anthropic is overloaded and answered 529 to ${details.attempts} attempt(s)${suffix(details)}. The story can be tried again in a few minutes.`,
      { retryable: true, retryAfterMs: details.retryAfterMs, cause: details.cause },
    );
  }
}

/** Other 5xx answers, or the API could not be reached at all. */
export class ProviderUnavailable extends AppError {
  constructor(details: ProviderDetails & { retryAfterMs?: number; attempts: number; reason: string; cause?: unknown }) {
    super(
      ErrorCode.ModelUnavailable,
      `Anthropic failed ${details.attempts} attempt(s): ${details.reason}${suffix(details)}. The story can be tried again later.`,
      { retryable: true, retryAfterMs: details.retryAfterMs, cause: details.cause },
    );
  }
}

/** No answer within the per-call timeout, on every attempt. */
export class Timeout extends AppError {
  readonly timeoutMs: number;
  constructor(details: { timeoutMs: number; attempts: number; cause?: unknown }) {
    super(
      ErrorCode.ModelTimeout,
      `Anthropic did not answer within ${Math.round(details.timeoutMs / 1000)} s on ${details.attempts} attempt(s). The story can be tried again later.`,
      { retryable: true, cause: details.cause },
    );
    this.timeoutMs = details.timeoutMs;
  }
}

/**
 * 4xx other than 429: a bad key (401), no permission (403), an unknown model (404), a request
 * the model refuses (400). Retrying the same request cannot help; the provider's message can.
 */
export class GenerationRejected extends AppError {
  readonly status: number | undefined;
  constructor(details: ProviderDetails & { cause?: unknown }) {
    const hint =
      details.status === 401
        ? " Check ANTHROPIC_API_KEY."
        : details.status === 403
          ? " The API key may not have access to this model or workspace."
          : details.status === 404
            ? " Check ANTHROPIC_MODEL and ANTHROPIC_BASE_URL."
            : "";
    super(
      ErrorCode.GenerationRejected,
      `Anthropic rejected the request: ${details.providerMessage ?? "no message"}${suffix(details)}.${hint}`,
      { retryable: false, cause: details.cause },
    );
    this.status = details.status;
  }
}
