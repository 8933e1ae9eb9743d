import { describe, expect, it } from "vitest";
import { AppError } from "../../../../src/errors/app-error.ts";
import { GenerationRejected, ModelRateLimited, Overloaded, ProviderUnavailable, SpendLimitReached, Timeout } from "../../../../src/generation/anthropic/errors.ts";

describe("Anthropic call errors", () => {
  it("tell the run layer truthfully whether trying the story again later can help", () => {
    const cases: Array<[AppError, string, boolean]> = [
      [new ModelRateLimited({ attempts: 4, retryAfterMs: 30_000 }), "model_rate_limited", true],
      [new Overloaded({ attempts: 4 }), "model_overloaded", true],
      [new ProviderUnavailable({ attempts: 4, reason: "HTTP 502" }), "model_unavailable", true],
      [new Timeout({ timeoutMs: 120_000, attempts: 4 }), "model_timeout", true],
      [new SpendLimitReached({ errorCode: "enforced_spend_limit_reached" }), "spend_limit_reached", false],
      [new GenerationRejected({ status: 401, providerMessage: "invalid x-api-key" }), "generation_rejected", false],
    ];
    for (const [error, code, retryable] of cases) {
      expect(error).toBeInstanceOf(AppError);
      expect([error.name, error.code, error.retryable]).toEqual([error.constructor.name, code, retryable]);
    }
  });

  it("carry when the provider said to come back", () => {
    const error = new ModelRateLimited({ attempts: 1, retryAfterMs: 30_000, status: 429, requestId: "req_1" });
    expect(error.retryAfterMs).toBe(30_000);
    expect(error.message).toBe("Anthropic rate limit reached after 1 attempt(s) (HTTP 429, request req_1). Anthropic asks to wait 30 s. The story can be tried again later.");
  });
});
