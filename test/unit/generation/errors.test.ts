import { describe, expect, it } from "vitest";
import { AppError } from "../../../src/errors/app-error.ts";
import {
  GenerationRejected,
  GenerationUnavailable,
  InvalidOutput,
  OutputTruncated,
  Overloaded,
  ProviderUnavailable,
  RateLimited,
  Refused,
  SpendLimitReached,
  Timeout,
} from "../../../src/generation/errors.ts";
import { NO_USAGE } from "../../../src/generation/usage.ts";

const spent = { usage: NO_USAGE, model: "claude-sonnet-5-5" };

describe("generation errors", () => {
  it("tell the run layer truthfully whether trying the story again later can help", () => {
    const cases: Array<[AppError, string, boolean]> = [
      [new RateLimited({ attempts: 4, retryAfterMs: 30_000 }), "model_rate_limited", true],
      [new Overloaded({ attempts: 4 }), "model_overloaded", true],
      [new ProviderUnavailable({ attempts: 4, reason: "HTTP 502" }), "model_unavailable", true],
      [new Timeout({ timeoutMs: 120_000, attempts: 4 }), "model_timeout", true],
      [new SpendLimitReached({ errorCode: "enforced_spend_limit_reached" }), "spend_limit_reached", false],
      [new GenerationRejected({ status: 401, providerMessage: "invalid x-api-key" }), "generation_rejected", false],
      [new GenerationUnavailable(), "generation_unavailable", false],
      [new InvalidOutput(["subtasks.0.effort: Required"], spent), "invalid_output", false],
      [new OutputTruncated("cut at max_tokens", spent), "output_truncated", false],
      [new Refused({ category: "cyber", explanation: null }, spent), "model_refused", false],
    ];
    for (const [error, code, retryable] of cases) {
      expect(error).toBeInstanceOf(AppError);
      expect([error.name, error.code, error.retryable]).toEqual([error.constructor.name, code, retryable]);
    }
  });

  it("carry when the provider said to come back", () => {
    const error = new RateLimited({ attempts: 1, retryAfterMs: 30_000, status: 429, requestId: "req_1" });
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.message).toBe("Anthropic rate limit reached after 1 attempt(s) (HTTP 429, request req_1). Anthropic asks to wait 30 s. The story can be tried again later.");
  });

  it("keep an invalid-output message short while keeping every issue", () => {
    const issues = Array.from({ length: 12 }, (_, index) => `subtasks.${index}.effort: Required`);
    const error = new InvalidOutput(issues, spent);
    expect(error.message).toContain("subtasks.7.effort: Required (and 4 more)");
    expect(error.message).not.toContain("subtasks.8.");
    expect(error.issues).toHaveLength(12);
  });
});
