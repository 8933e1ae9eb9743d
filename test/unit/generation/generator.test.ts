// The subtask generator on the Anthropic model client against a played Messages API: nock
// answers POST /v1/messages on a test base URL with real-shaped bodies from
// test/fixtures/anthropic/, the SDK does real HTTP.

import { readFileSync } from "node:fs";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config/config.ts";
import { configuredGenerator } from "../../../src/core.ts";
import { createAnthropicModelClient } from "../../../src/generation/anthropic/model-client.ts";
import { DEFAULT_MAX_TOKENS } from "../../../src/generation/breakdown-task.ts";
import { GenerationUnavailable, InvalidOutput, OutputTruncated, Refused } from "../../../src/generation/errors.ts";
import { createSubtaskGenerator, type SubtaskGeneratorDeps } from "../../../src/generation/generator.ts";
import { SYSTEM_PROMPT } from "../../../src/generation/prompt.ts";
import { loadStoryContextFile } from "../../../src/generation/story-file.ts";
import { RAISED_MAX_TOKENS } from "../../../src/generation/structured-generation.ts";
import { captureLogger, silentLogger } from "../../support/logger.ts";
import { API_KEY, BASE_URL, MODEL, REQUEST_ID, fail, failureOf, fixture, ok, playApi, type Body } from "./support/anthropic-api.ts";

const { context: story } = await loadStoryContextFile(new URL("../../fixtures/stories/checkout-discount-codes.json", import.meta.url).pathname);

/** The body sent for the story before the model-client port, byte for byte. */
const pinnedBody = readFileSync(new URL("../../fixtures/anthropic/request-checkout-subtasks.json", import.meta.url), "utf8");

function engine(overrides: Partial<SubtaskGeneratorDeps> = {}) {
  const sleeps: number[] = [];
  let clock = 1_000;
  const logger = overrides.logger ?? silentLogger;
  const client = createAnthropicModelClient(
    { apiKey: API_KEY, baseUrl: BASE_URL, model: MODEL },
    {
      logger,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    },
  );
  const generator = createSubtaskGenerator({
    client,
    logger,
    // Each reading of the clock moves it 700 ms on: the duration is then exact.
    now: () => (clock += 700),
    ...overrides,
  });
  return { generator, sleeps };
}

beforeEach(() => {
  nock.cleanAll();
});

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
});

describe("generating subtasks with Claude", () => {
  it("sends one structured-output request with the cached system prompt and returns coded, costed subtasks", async () => {
    const { bodies } = playApi(ok("message-checkout-subtasks.json"));
    const { generator, sleeps } = engine();

    const result = await generator.generate(story);

    expect(bodies).toHaveLength(1);
    const body = bodies[0]!;
    expect(JSON.stringify(body)).toBe(JSON.stringify(JSON.parse(pinnedBody)));
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

  it("the configured generator sends the pinned request byte for byte without ANTHROPIC_EFFORT, and with it only output_config.effort added", async () => {
    const { bodies } = playApi(ok("message-checkout-subtasks.json"), ok("message-checkout-subtasks.json"));
    const env = { ANTHROPIC_API_KEY: API_KEY, ANTHROPIC_BASE_URL: BASE_URL, ANTHROPIC_MODEL: MODEL };

    await configuredGenerator(parseConfig(env), silentLogger).generate(story);
    await configuredGenerator(parseConfig({ ...env, ANTHROPIC_EFFORT: "low" }), silentLogger).generate(story);

    const pinned = JSON.parse(pinnedBody);
    expect(JSON.stringify(bodies[0])).toBe(JSON.stringify(pinned));
    expect(JSON.stringify(bodies[1])).toBe(JSON.stringify({ ...pinned, output_config: { ...pinned.output_config, effort: "low" } }));
  });

  it("answers from the prompt cache are counted as cache reads", async () => {
    playApi(ok("message-checkout-subtasks-cached.json"));
    const result = await engine().generator.generate(story);
    expect(result.usage).toEqual({ inputTokens: 1412, outputTokens: 2298, cacheReadTokens: 1642, cacheWriteTokens: 0 });
    // Rounded to a millionth of a dollar.
    expect(result.costUsd).toBeCloseTo((1412 * 2 + 2298 * 10 + 1642 * 0.1) / 1_000_000, 6);
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
    const client = createAnthropicModelClient({ apiKey: undefined, baseUrl: BASE_URL, model: MODEL }, { logger: silentLogger });
    expect(client).toBeNull();
    const error = await failureOf(engine({ client }).generator.generate(story));
    expect(error).toBeInstanceOf(GenerationUnavailable);
    expect(error.message).toContain("ANTHROPIC_API_KEY");
  });

  it("logs each retry with the story, the status and request id, and never the API key", async () => {
    playApi(fail(529, "error-overloaded.json"), ok("message-checkout-subtasks.json"));
    const capture = captureLogger("info", [API_KEY]);
    await engine({ logger: capture.logger }).generator.generate(story);
    const retry = capture.lines().find((line) => line["msg"] === "anthropic call failed, retrying");
    expect(retry).toMatchObject({ status: 529, requestId: REQUEST_ID, attempt: 1, delayMs: 500, story: "SHOP-412", model: MODEL });
    expect(capture.text()).not.toContain(API_KEY);
  });
});
