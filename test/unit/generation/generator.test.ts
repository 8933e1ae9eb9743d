// The engine against a played Anthropic API: nock answers POST /v1/messages on a test base URL
// with real-shaped bodies from test/fixtures/anthropic/, the SDK does real HTTP.

import { readFileSync } from "node:fs";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAnthropicClient } from "../../../src/generation/client.ts";
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
import { createSubtaskGenerator, type SubtaskGeneratorDeps } from "../../../src/generation/generator.ts";
import { SYSTEM_PROMPT } from "../../../src/generation/prompt.ts";
import { DEFAULT_MAX_TOKENS, RAISED_MAX_TOKENS, buildMessagesRequest } from "../../../src/generation/request.ts";
import { loadStoryContextFile } from "../../../src/generation/story-file.ts";
import { captureLogger, silentLogger } from "../../support/logger.ts";

const BASE_URL = "https://anthropic.test";
const API_KEY = "sk-ant-api03-test-key-0000";
const MODEL = "claude-sonnet-5-5";
const { context: story } = await loadStoryContextFile(new URL("../../fixtures/stories/checkout-discount-codes.json", import.meta.url).pathname);

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
}

const requestId = { "request-id": "req_011CQ9wZtXbLmN4pR7sVkE2d" };

type Body = Record<string, any>;

/** Plays the API: each reply in turn, recording every request body. */
function playApi(...replies: Array<(scope: nock.Interceptor) => nock.Scope>): { bodies: Body[]; scope: nock.Scope } {
  const bodies: Body[] = [];
  let scope = nock(BASE_URL);
  for (const reply of replies) {
    const interceptor = nock(BASE_URL)
      // SDK 1.x sends the key as a bearer token and pins its own API version.
      .matchHeader("authorization", `Bearer ${API_KEY}`)
      .matchHeader("anthropic-version", /^\d{4}-\d{2}-\d{2}$/)
      .post("/v1/messages", (body: Body) => {
        bodies.push(body);
        return true;
      });
    scope = reply(interceptor);
  }
  return { bodies, scope };
}

// nock 15 hangs a fetch when replyWithError gets a plain object; an Error instance works.
const networkError = (code: string, message: string) => (interceptor: nock.Interceptor) =>
  interceptor.replyWithError(Object.assign(new Error(message), { code }));

const ok = (name: string) => (interceptor: nock.Interceptor) => interceptor.reply(200, fixture(name), requestId);
const fail = (status: number, name: string, headers: Record<string, string> = {}) => (interceptor: nock.Interceptor) =>
  interceptor.reply(status, fixture(name), { ...requestId, ...headers });

function engine(overrides: Partial<SubtaskGeneratorDeps> = {}) {
  const sleeps: number[] = [];
  let clock = 1_000;
  const generator = createSubtaskGenerator({
    client: createAnthropicClient({ apiKey: API_KEY, baseUrl: BASE_URL, model: MODEL }),
    model: MODEL,
    logger: silentLogger,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    // Each reading of the clock moves it 700 ms on: the duration is then exact.
    now: () => (clock += 700),
    ...overrides,
  });
  return { generator, sleeps };
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the generation to fail");
}

beforeEach(() => {
  nock.cleanAll();
});

afterEach(() => {
  vi.useRealTimers();
  expect(nock.pendingMocks()).toEqual([]);
});

describe("generation against the Messages API", () => {
  it("sends one structured-output request with the cached system prompt and returns coded, costed subtasks", async () => {
    const { bodies } = playApi(ok("message-checkout-subtasks.json"));
    const { generator, sleeps } = engine();

    const result = await generator.generate(story);

    expect(bodies).toHaveLength(1);
    const body = bodies[0]!;
    expect(body).toEqual(JSON.parse(JSON.stringify(buildMessagesRequest(story, {}, MODEL))));
    expect(Object.keys(body).sort()).toEqual(["max_tokens", "messages", "model", "output_config", "system"]);
    expect(body.model).toBe(MODEL);
    expect(body.max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(body.system).toEqual([{ type: "text", text: SYSTEM_PROMPT, cache_control: { type: "ephemeral" } }]);
    expect(body.output_config.format.type).toBe("json_schema");
    expect(body.output_config.format.schema.properties.subtasks.items.required).toContain("effort");
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0].role).toBe("user");
    for (const refused of ["tool_choice", "tools", "temperature", "top_p", "top_k", "thinking"]) expect(body).not.toHaveProperty(refused);
    expect(sleeps).toEqual([]);

    expect(result.subtasks.map((subtask) => [subtask.code, subtask.effort, subtask.dependsOn])).toEqual([
      ["ST1", "M", []],
      ["ST2", "M", ["ST1"]],
      ["ST3", "L", ["ST2"]],
      ["ST4", "S", ["ST2"]],
      ["ST5", "S", ["ST4"]],
    ]);
    expect(result.subtasks[0]!.title).toBe("Add a discount code validator for the promotions table");
    expect(result.subtasks[3]!.acceptanceCriteria).toEqual(["The applied code is stored on the order and appears on the confirmation email"]);
    expect(result.usage).toEqual({ inputTokens: 1187, outputTokens: 2315, cacheReadTokens: 0, cacheWriteTokens: 1642 });
    expect(result.tokensUsed).toBe(1187 + 2315 + 1642);
    // $2/MTok in, $10 out, $2.50 cache write on Sonnet 5.5.
    expect(result.costUsd).toBeCloseTo((1187 * 2 + 2315 * 10 + 1642 * 2.5) / 1_000_000, 9);
    expect(result.model).toBe(MODEL);
    expect(result.durationMs).toBe(700);
  });

  it("answers from the prompt cache are counted as cache reads", async () => {
    playApi(ok("message-checkout-subtasks-cached.json"));
    const result = await engine().generator.generate(story);
    expect(result.usage).toEqual({ inputTokens: 1412, outputTokens: 2298, cacheReadTokens: 1642, cacheWriteTokens: 0 });
    // Rounded to a millionth of a dollar.
    expect(result.costUsd).toBeCloseTo((1412 * 2 + 2298 * 10 + 1642 * 0.1) / 1_000_000, 6);
  });

  it("retries a 529 after a jittered backoff and then succeeds", async () => {
    const { bodies } = playApi(fail(529, "error-overloaded.json"), ok("message-checkout-subtasks.json"));
    const { generator, sleeps } = engine();

    const result = await generator.generate(story);

    expect(bodies).toHaveLength(2);
    expect(bodies[1]).toEqual(bodies[0]);
    // Full jitter: random (0.5 here) × the first step of 1 s.
    expect(sleeps).toEqual([500]);
    expect(result.subtasks).toHaveLength(5);
    expect(result.usage.outputTokens).toBe(2315);
  });

  it("waits exactly the retry-after of a 429 before trying again", async () => {
    const { bodies } = playApi(fail(429, "error-rate-limit.json", { "retry-after": "7" }), ok("message-checkout-subtasks.json"));
    const { generator, sleeps } = engine();

    await generator.generate(story);

    expect(bodies).toHaveLength(2);
    expect(sleeps).toEqual([7_000]);
  });

  it("with the real clock, sends nothing before the retry-after of a 429 has passed", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    playApi(fail(429, "error-rate-limit.json", { "retry-after": "7" }));
    const second = playApi(ok("message-checkout-subtasks.json"));
    const { generator } = engine({ sleep: undefined });

    const result = generator.generate(story);
    await vi.advanceTimersByTimeAsync(6_900);
    expect(second.bodies).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);

    await expect(result).resolves.toMatchObject({ subtasks: expect.any(Array) });
    expect(second.bodies).toHaveLength(1);
  });

  it("gives up at once on a retry-after longer than a call may wait, telling the run layer when to come back", async () => {
    playApi(fail(429, "error-rate-limit.json", { "retry-after": "3600" }));
    const { generator, sleeps } = engine();

    const error = await failureOf(generator.generate(story));

    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).retryable).toBe(true);
    expect((error as RateLimited).retryAfterMs).toBe(3_600_000);
    expect(error.message).toContain("req_011CQ9wZtXbLmN4pR7sVkE2d");
    expect(sleeps).toEqual([]);
  });

  it("does not retry a 429 for a reached spend limit", async () => {
    const { bodies } = playApi(fail(429, "error-spend-limit.json"));
    const { generator, sleeps } = engine();

    const error = await failureOf(generator.generate(story));

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
    const { generator, sleeps } = engine();

    const error = await failureOf(generator.generate(story));

    expect(error).toBeInstanceOf(Overloaded);
    expect((error as Overloaded).retryable).toBe(true);
    expect(error.message).toContain("4 attempt(s)");
    expect(bodies).toHaveLength(4);
    expect(sleeps).toEqual([500, 1_000, 2_000]);
  });

  it("retries a 500 and a dropped connection", async () => {
    const { bodies } = playApi(
      fail(500, "error-api.json"),
      networkError("ECONNRESET", "socket hang up"),
      ok("message-checkout-subtasks.json"),
    );
    const { generator, sleeps } = engine();

    const result = await generator.generate(story);

    expect(bodies).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
    expect(result.subtasks).toHaveLength(5);
  });

  it("reports an unreachable API as ProviderUnavailable after the last attempt", async () => {
    playApi(networkError("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.1:443"), networkError("ECONNREFUSED", "connect ECONNREFUSED 10.0.0.1:443"));
    const error = await failureOf(engine({ retry: { maxAttempts: 2 } }).generator.generate(story));
    expect(error).toBeInstanceOf(ProviderUnavailable);
    expect((error as ProviderUnavailable).retryable).toBe(true);
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("does not retry a rejected key and passes the provider's message on", async () => {
    const { bodies } = playApi(fail(401, "error-authentication.json"));
    const error = await failureOf(engine().generator.generate(story));
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
    const error = await failureOf(engine().generator.generate(story));
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
    const { generator, sleeps } = engine({ timeoutMs: 40, retry: { maxAttempts: 2 } });

    const error = await failureOf(generator.generate(story));

    expect(error).toBeInstanceOf(Timeout);
    expect((error as Timeout).retryable).toBe(true);
    expect((error as Timeout).timeoutMs).toBe(40);
    expect(bodies).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it("sends a schema-violating answer back with the problems, then accepts the corrected one", async () => {
    const { bodies } = playApi(ok("message-missing-effort.json"), ok("message-checkout-subtasks-cached.json"));
    const { generator } = engine();

    const result = await generator.generate(story);

    expect(bodies).toHaveLength(2);
    const [first, second] = bodies as [Body, Body];
    expect(second.system).toEqual(first.system);
    expect(second.output_config).toEqual(first.output_config);
    expect(second.messages).toHaveLength(3);
    expect(second.messages[0]).toEqual(first.messages[0]);
    const invalidAnswer = (fixture("message-missing-effort.json").content as Array<{ text: string }>)[0]!.text;
    expect(second.messages[1]).toEqual({ role: "assistant", content: invalidAnswer });
    expect(second.messages[2].role).toBe("user");
    expect(second.messages[2].content).toContain("subtasks.0.effort");
    expect(result.subtasks).toHaveLength(5);
    // Both answers were paid for.
    expect(result.usage).toEqual({ inputTokens: 1187 + 1412, outputTokens: 2280 + 2298, cacheReadTokens: 1642, cacheWriteTokens: 1642 });
  });

  it("sends an answer that depends on a later subtask back with that problem", async () => {
    const { bodies } = playApi(ok("message-dependency-on-later-subtask.json"), ok("message-checkout-subtasks.json"));
    await engine().generator.generate(story);
    expect(bodies[1]!.messages[2].content).toContain("subtasks.1.dependsOn: 3 is not an earlier subtask");
  });

  it("fails with InvalidOutput naming the zod issues when the corrected answer violates the schema too", async () => {
    const { bodies } = playApi(ok("message-missing-effort.json"), ok("message-missing-effort.json"));
    const { generator } = engine();

    const error = await failureOf(generator.generate(story));

    expect(error).toBeInstanceOf(InvalidOutput);
    expect((error as InvalidOutput).retryable).toBe(false);
    expect(error.message).toContain("subtasks.0.effort: Invalid input: expected string, received undefined");
    expect((error as InvalidOutput).usage.outputTokens).toBe(2280 * 2);
    expect(bodies).toHaveLength(2);
  });

  it("retries a max_tokens stop once with a larger budget", async () => {
    const { bodies } = playApi(ok("message-max-tokens.json"), ok("message-checkout-subtasks.json"));

    const result = await engine().generator.generate(story);

    expect(bodies.map((body) => body.max_tokens)).toEqual([DEFAULT_MAX_TOKENS, RAISED_MAX_TOKENS]);
    expect(bodies[1]!.messages).toEqual(bodies[0]!.messages);
    expect(result.subtasks).toHaveLength(5);
    expect(result.usage.outputTokens).toBe(16_000 + 2315);
  });

  it("fails with OutputTruncated when the larger budget is cut at max_tokens too", async () => {
    const { bodies } = playApi(ok("message-max-tokens.json"), ok("message-max-tokens.json"));

    const error = await failureOf(engine().generator.generate(story));

    expect(error).toBeInstanceOf(OutputTruncated);
    expect((error as OutputTruncated).retryable).toBe(false);
    expect(error.message).toContain(`max_tokens even with ${RAISED_MAX_TOKENS} tokens`);
    expect(bodies).toHaveLength(2);
  });

  it("fails with Refused, without retrying, when Claude declines the story", async () => {
    const { bodies } = playApi(ok("message-refusal.json"));

    const error = await failureOf(engine().generator.generate(story));

    expect(error).toBeInstanceOf(Refused);
    expect((error as Refused).retryable).toBe(false);
    expect((error as Refused).category).toBe("cyber");
    expect(error.message).toContain("The request asks for help building malware.");
    expect(bodies).toHaveLength(1);
  });

  it("fails every story with GenerationUnavailable when ANTHROPIC_API_KEY is unset, calling nothing", async () => {
    const client = createAnthropicClient({ apiKey: undefined, baseUrl: BASE_URL, model: MODEL });
    expect(client).toBeNull();
    const error = await failureOf(engine({ client }).generator.generate(story));
    expect(error).toBeInstanceOf(GenerationUnavailable);
    expect(error.message).toContain("ANTHROPIC_API_KEY");
  });

  it("logs each retry with the status and request id, and never the API key", async () => {
    playApi(fail(529, "error-overloaded.json"), ok("message-checkout-subtasks.json"));
    const capture = captureLogger("info", [API_KEY]);
    await engine({ logger: capture.logger }).generator.generate(story);
    const retry = capture.lines().find((line) => line["msg"] === "anthropic call failed, retrying");
    expect(retry).toMatchObject({ status: 529, requestId: "req_011CQ9wZtXbLmN4pR7sVkE2d", attempt: 1, delayMs: 500, story: "SHOP-412" });
    expect(capture.text()).not.toContain(API_KEY);
  });
});
