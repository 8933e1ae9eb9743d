// The ModelClient port on Anthropic against a played Messages API: what is sent, how the answer
// comes back, and the retries, waits and typed errors of a call.

import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CallBudget } from "../../../../src/budget/call-budget.ts";
import { GenerationRejected, ModelRateLimited, Overloaded, ProviderUnavailable, SpendLimitReached, Timeout } from "../../../../src/generation/anthropic/errors.ts";
import { createAnthropicModelClient, type AnthropicModelClientDeps } from "../../../../src/generation/anthropic/model-client.ts";
import { toStructuredOutputSchema } from "../../../../src/generation/anthropic/structured-output-schema.ts";
import type { ModelClient, ModelRequest } from "../../../../src/generation/model-client.ts";
import { captureLogger, silentLogger } from "../../../support/logger.ts";
import { API_KEY, BASE_URL, MODEL, REQUEST_ID, fail, failureOf, fixture, networkError, ok, playApi } from "../support/anthropic-api.ts";

const request: ModelRequest = {
  system: "You break user stories into subtasks.",
  messages: [{ role: "user", content: "Break the story SHOP-412 into subtasks." }],
  schema: {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: { subtasks: { type: "array", items: { type: "string", minLength: 1 }, minItems: 1, maxItems: 15 } },
    required: ["subtasks"],
  },
  maxTokens: 16_000,
};

function anthropic(overrides: Partial<AnthropicModelClientDeps> = {}): { client: ModelClient; sleeps: number[] } {
  const sleeps: number[] = [];
  const client = createAnthropicModelClient(
    { apiKey: API_KEY, baseUrl: BASE_URL, model: MODEL },
    {
      logger: silentLogger,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...overrides,
    },
  );
  if (!client) throw new Error("expected a client for a set API key");
  return { client, sleeps };
}

function answerTextOf(name: string): string {
  return (fixture(name).content as Array<{ type: string; text?: string }>).filter((block) => block.type === "text").map((block) => block.text).join("");
}

beforeEach(() => {
  nock.cleanAll();
});

afterEach(() => {
  vi.useRealTimers();
  expect(nock.pendingMocks()).toEqual([]);
});

describe("the Anthropic model client", () => {
  it("sends a Messages request with the system prompt cached and the schema as structured output", async () => {
    const { bodies } = playApi(ok("message-checkout-subtasks.json"));

    await anthropic().client.complete(request);

    expect(bodies).toEqual([
      {
        model: MODEL,
        max_tokens: 16_000,
        system: [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: request.messages[0]!.content }],
        output_config: { format: { type: "json_schema", schema: toStructuredOutputSchema(request.schema) } },
      },
    ]);
    for (const refused of ["tool_choice", "tools", "temperature", "top_p", "top_k", "thinking"]) expect(bodies[0]).not.toHaveProperty(refused);
  });

  it("asks for an effort only when the request names one", async () => {
    const { bodies } = playApi(ok("message-checkout-subtasks.json"));
    await anthropic().client.complete({ ...request, effort: "low" });
    expect(bodies[0]!.output_config).toEqual({ format: { type: "json_schema", schema: toStructuredOutputSchema(request.schema) }, effort: "low" });
  });

  it("sends the configured effort with every request, and a request's own effort instead when it names one", async () => {
    const { bodies } = playApi(ok("message-checkout-subtasks.json"), ok("message-checkout-subtasks.json"));
    const client = createAnthropicModelClient({ apiKey: API_KEY, baseUrl: BASE_URL, model: MODEL, effort: "medium" }, { logger: silentLogger })!;
    await client.complete(request);
    await client.complete({ ...request, effort: "high" });
    expect(bodies.map((body) => body.output_config.effort)).toEqual(["medium", "high"]);
  });

  it("answers with the text blocks, not the thinking, and with the usage and request id", async () => {
    playApi(ok("message-checkout-subtasks.json"));
    const response = await anthropic().client.complete(request);
    expect(response).toEqual({
      text: answerTextOf("message-checkout-subtasks.json"),
      stop: "end",
      usage: { inputTokens: 1187, outputTokens: 2315, cacheReadTokens: 0, cacheWriteTokens: 1642 },
      requestId: REQUEST_ID,
    });
  });

  it("counts answers from the prompt cache as cache reads and prices them", async () => {
    playApi(ok("message-checkout-subtasks-cached.json"));
    const { client } = anthropic();
    const { usage } = await client.complete(request);
    expect(usage).toEqual({ inputTokens: 1412, outputTokens: 2298, cacheReadTokens: 1642, cacheWriteTokens: 0 });
    // $2/MTok in, $10 out, $0.10 cache read on Sonnet 5.5, rounded to a millionth of a dollar.
    expect(client.costOf(usage)).toBeCloseTo((1412 * 2 + 2298 * 10 + 1642 * 0.1) / 1_000_000, 6);
    expect(client.priceKnown).toBe(true);
  });

  it("says how the answer stopped: cut at max_tokens, or refused with Anthropic's reason", async () => {
    playApi(ok("message-max-tokens.json"), ok("message-refusal.json"));
    const { client } = anthropic();
    expect((await client.complete(request)).stop).toBe("max_tokens");
    const refusal = await client.complete(request);
    expect(refusal).toMatchObject({ stop: "refusal", refusal: { category: "cyber", explanation: "The request asks for help building malware." } });
  });

  it("retries a 529 after a jittered backoff and then succeeds", async () => {
    const { bodies } = playApi(fail(529, "error-overloaded.json"), ok("message-checkout-subtasks.json"));
    const { client, sleeps } = anthropic();

    const response = await client.complete(request);

    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual(bodies[0]);
    // Full jitter: random (0.5 here) × the first step of 1 s.
    expect(sleeps).toEqual([500]);
    expect(response.usage.outputTokens).toBe(2315);
  });

  it("waits exactly the retry-after of a 429 before trying again", async () => {
    const { bodies } = playApi(fail(429, "error-rate-limit.json", { "retry-after": "7" }), ok("message-checkout-subtasks.json"));
    const { client, sleeps } = anthropic();

    await client.complete(request);

    expect(bodies).toHaveLength(2);
    expect(sleeps).toEqual([7_000]);
  });

  it("with the real clock, sends nothing before the retry-after of a 429 has passed", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    playApi(fail(429, "error-rate-limit.json", { "retry-after": "7" }));
    const second = playApi(ok("message-checkout-subtasks.json"));
    const { client } = anthropic({ sleep: undefined });

    const response = client.complete(request);
    await vi.advanceTimersByTimeAsync(6_900);
    expect(second.bodies).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);

    await expect(response).resolves.toMatchObject({ stop: "end" });
    expect(second.bodies).toHaveLength(1);
  });

  it("gives up at once on a retry-after longer than a call may wait, telling the run layer when to come back", async () => {
    playApi(fail(429, "error-rate-limit.json", { "retry-after": "3600" }));
    const { client, sleeps } = anthropic();

    const error = await failureOf(client.complete(request));

    expect(error).toBeInstanceOf(ModelRateLimited);
    expect((error as ModelRateLimited).retryable).toBe(true);
    expect((error as ModelRateLimited).retryAfterMs).toBe(3_600_000);
    expect(error.message).toContain(REQUEST_ID);
    expect(sleeps).toEqual([]);
  });

  it("holds a slot of the call budget for each attempt and tells it which were refused for load", async () => {
    playApi(fail(429, "error-rate-limit.json", { "retry-after": "7" }), fail(529, "error-overloaded.json"), fail(401, "error-authentication.json"));
    const events: string[] = [];
    const budget: CallBudget = {
      async acquire() {
        events.push("acquire");
        return { release: async (outcome) => void events.push(JSON.stringify(outcome)) };
      },
      close: async () => undefined,
    };
    const { client } = anthropic({ budget });

    await failureOf(client.complete(request));

    expect(events).toEqual([
      "acquire",
      JSON.stringify({ kind: "refused", retryAfterMs: 7_000 }),
      "acquire",
      JSON.stringify({ kind: "refused" }),
      "acquire",
      JSON.stringify({ kind: "failed" }),
    ]);
  });

  it("tells the budget to pace every process when an answer says less than a fifth of a minute's requests is left", async () => {
    const fullAt = (ms: number) => new Date(Date.now() + ms).toISOString();
    const headers = (remaining: number) => ({
      "anthropic-ratelimit-requests-limit": "50",
      "anthropic-ratelimit-requests-remaining": String(remaining),
      "anthropic-ratelimit-requests-reset": fullAt(((50 - remaining) / 50) * 60_000),
      "anthropic-ratelimit-output-tokens-limit": "40000",
      "anthropic-ratelimit-output-tokens-remaining": "39000",
      "anthropic-ratelimit-output-tokens-reset": fullAt(1_000),
    });
    playApi(ok("message-checkout-subtasks.json", headers(40)), ok("message-checkout-subtasks.json", headers(5)));
    const paces: number[] = [];
    const budget: CallBudget = {
      acquire: async () => ({ release: async (outcome) => void paces.push(outcome.kind === "ok" ? (outcome.paceMs ?? 0) : -1) }),
      close: async () => undefined,
    };
    const { client } = anthropic({ budget });

    await client.complete(request);
    await client.complete(request);

    // 40 of 50 left: full speed. 5 left: a 50-a-minute bucket gives one back every 1.2 s, and half-way
    // below the mark the bot goes 1.5 × slower than that, one call every 1.8 s.
    expect(paces[0]).toBe(0);
    expect(paces[1]).toBeGreaterThan(1_750);
    expect(paces[1]).toBeLessThanOrEqual(1_800);
  });

  it("does not retry a 429 for a reached spend limit", async () => {
    const { bodies } = playApi(fail(429, "error-spend-limit.json"));
    const { client, sleeps } = anthropic();

    const error = await failureOf(client.complete(request));

    expect(error).toBeInstanceOf(SpendLimitReached);
    expect((error as SpendLimitReached).retryable).toBe(false);
    expect(error.message).toContain("enforced_spend_limit_reached");
    expect(bodies).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("fails with a retryable Overloaded once every attempt met a 529, backing off exponentially", async () => {
    const { bodies } = playApi(
      fail(529, "error-overloaded.json"),
      fail(529, "error-overloaded.json"),
      fail(529, "error-overloaded.json"),
      fail(529, "error-overloaded.json"),
    );
    const { client, sleeps } = anthropic();

    const error = await failureOf(client.complete(request));

    expect(error).toBeInstanceOf(Overloaded);
    expect((error as Overloaded).retryable).toBe(true);
    expect(error.message).toContain("4 attempt(s)");
    expect(bodies).toHaveLength(4);
    expect(sleeps).toEqual([500, 1_000, 2_000]);
  });

  it("retries a 500 and a dropped connection", async () => {
    const { bodies } = playApi(fail(500, "error-api.json"), networkError("ECONNRESET", "socket hang up"), ok("message-checkout-subtasks.json"));
    const { client, sleeps } = anthropic();

    const response = await client.complete(request);

    expect(bodies).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(response.stop).toBe("end");
  });

  it("reports an unreachable API as ProviderUnavailable after the last attempt", async () => {
    playApi(networkError("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.1:443"), networkError("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.1:443"));
    const error = await failureOf(anthropic({ retry: { maxAttempts: 2 } }).client.complete(request));
    expect(error).toBeInstanceOf(ProviderUnavailable);
    expect((error as ProviderUnavailable).retryable).toBe(true);
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("does not retry a rejected key and passes the provider's message on", async () => {
    const { bodies } = playApi(fail(401, "error-authentication.json"));
    const error = await failureOf(anthropic().client.complete(request));
    expect(error).toBeInstanceOf(GenerationRejected);
    expect((error as GenerationRejected).retryable).toBe(false);
    expect(error.message).toContain("invalid x-api-key");
    expect(error.message).toContain("ANTHROPIC_API_KEY");
    expect(bodies).toHaveLength(1);
  });

  it("does not retry a request the API refuses as invalid, and says why", async () => {
    const { bodies } = playApi((interceptor) =>
      interceptor.reply(
        400,
        {
          type: "error",
          error: { type: "invalid_request_error", message: "output_config.format.schema: For 'integer' type, property 'minimum' is not supported" },
          request_id: "req_011CQ9xAbCdEfGhJkLmNpQrS",
        },
        { "request-id": "req_011CQ9xAbCdEfGhJkLmNpQrS" },
      ),
    );
    const error = await failureOf(anthropic().client.complete(request));
    expect(error).toBeInstanceOf(GenerationRejected);
    expect((error as GenerationRejected).status).toBe(400);
    expect(error.message).toBe(
      "Anthropic rejected the request: output_config.format.schema: For 'integer' type, property 'minimum' is not supported (HTTP 400, request req_011CQ9xAbCdEfGhJkLmNpQrS).",
    );
    expect(bodies).toHaveLength(1);
  });

  it("fails with Timeout when no answer comes within the per-call timeout", async () => {
    // A server that takes the request and never answers. (nock's delay() would answer after the
    // abort, which trips an assertion inside undici.)
    const silent = (interceptor: nock.Interceptor) => interceptor.reply(() => new Promise<never>(() => {}));
    const { bodies } = playApi(silent, silent);
    const { client, sleeps } = anthropic({ timeoutMs: 40, retry: { maxAttempts: 2 } });

    const error = await failureOf(client.complete(request));

    expect(error).toBeInstanceOf(Timeout);
    expect((error as Timeout).retryable).toBe(true);
    expect((error as Timeout).timeoutMs).toBe(40);
    expect(bodies).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it("is not there when ANTHROPIC_API_KEY is unset", () => {
    expect(createAnthropicModelClient({ apiKey: undefined, baseUrl: BASE_URL, model: MODEL }, { logger: silentLogger })).toBeNull();
  });

  it("logs each retry on the caller's logger with the status and request id, and never the API key", async () => {
    playApi(fail(529, "error-overloaded.json"), ok("message-checkout-subtasks.json"));
    const capture = captureLogger("info", [API_KEY]);
    await anthropic().client.complete(request, { logger: capture.logger.child({ story: "SHOP-412" }) });
    const retry = capture.lines().find((line) => line["msg"] === "anthropic call failed, retrying");
    expect(retry).toMatchObject({ status: 529, requestId: REQUEST_ID, attempt: 1, delayMs: 500, story: "SHOP-412" });
    expect(capture.text()).not.toContain(API_KEY);
  });
});
