// The neutral loop with a scripted model and a task that is not about subtasks: what any kind
// of run (subtasks of a story, stories of an epic) gets from it.

import { describe, expect, it } from "vitest";
import { InvalidOutput, OutputTruncated, Refused } from "../../../src/generation/errors.ts";
import type { CompleteOptions, ModelClient, ModelRequest, ModelResponse } from "../../../src/generation/model-client.ts";
import { RAISED_MAX_TOKENS, generateStructured, type StructuredTask } from "../../../src/generation/structured-generation.ts";
import type { GenerationUsage } from "../../../src/generation/types.ts";
import { captureLogger, silentLogger } from "../../support/logger.ts";

const USAGE: GenerationUsage = { inputTokens: 100, outputTokens: 50, cacheReadTokens: 10, cacheWriteTokens: 5 };

/** A model that gives the scripted answers in turn and records what it was asked. */
function scriptedModel(...answers: Array<Partial<ModelResponse>>) {
  const requests: ModelRequest[] = [];
  const options: Array<CompleteOptions | undefined> = [];
  const client: ModelClient = {
    model: "scripted-1",
    priceKnown: false,
    async complete(request, callOptions) {
      requests.push(request);
      options.push(callOptions);
      const answer = answers[requests.length - 1];
      if (!answer) throw new Error(`no answer scripted for call ${requests.length}`);
      return { text: "", stop: "end", usage: USAGE, ...answer };
    },
    costOf: (usage) => (usage.inputTokens + usage.outputTokens) / 1_000,
  };
  return { client, requests, options };
}

/** Titles of stories, as JSON: a task of another kind than the subtask breakdown. */
const titlesTask: StructuredTask<string[]> = {
  system: "You name the stories of an epic.",
  firstMessage: "Name the stories of EPIC-7.",
  schema: { type: "object", properties: { titles: { type: "array", items: { type: "string" } } }, required: ["titles"] },
  maxTokens: 4_000,
  validate(text) {
    try {
      const titles = (JSON.parse(text) as { titles?: unknown }).titles;
      if (Array.isArray(titles) && titles.length > 0 && titles.every((title) => typeof title === "string")) return { ok: true, value: titles };
      return { ok: false, issues: ["titles: expected a non-empty list of strings"] };
    } catch {
      return { ok: false, issues: ["(answer): not valid JSON"] };
    }
  },
  feedbackMessage: (issues) => `Fix these: ${issues.join("; ")}`,
};

const good = JSON.stringify({ titles: ["Import the CSV", "Show the import report"] });

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the generation to fail");
}

function deps(client: ModelClient, logger = silentLogger) {
  let clock = 0;
  return { client, logger, now: () => (clock += 250) };
}

describe("a structured generation", () => {
  it("asks the model what the task says and returns the task's value with usage, cost and duration", async () => {
    const model = scriptedModel({ text: good, requestId: "req_1" });

    const result = await generateStructured(titlesTask, deps(model.client));

    expect(model.requests).toEqual([
      {
        system: "You name the stories of an epic.",
        messages: [{ role: "user", content: "Name the stories of EPIC-7." }],
        schema: titlesTask.schema,
        maxTokens: 4_000,
      },
    ]);
    expect(result).toEqual({
      value: ["Import the CSV", "Show the import report"],
      usage: USAGE,
      model: "scripted-1",
      durationMs: 250,
      costUsd: 0.15,
      priceKnown: false,
    });
  });

  it("passes the task's effort on, and none when the task names none", async () => {
    const model = scriptedModel({ text: good }, { text: good });
    await generateStructured({ ...titlesTask, effort: "low" }, deps(model.client));
    await generateStructured(titlesTask, deps(model.client));
    expect(model.requests[0]!.effort).toBe("low");
    expect(model.requests[1]).not.toHaveProperty("effort");
  });

  it("hands its logger to the model, so retries are logged with the caller's context", async () => {
    const model = scriptedModel({ text: good });
    const capture = captureLogger();
    await generateStructured(titlesTask, deps(model.client, capture.logger));
    expect(model.options[0]?.logger).toBe(capture.logger);
  });

  it("asks once more with a larger budget when the answer was cut at max_tokens, and pays for both", async () => {
    const model = scriptedModel({ text: '{"titles": ["Imp', stop: "max_tokens" }, { text: good });

    const result = await generateStructured(titlesTask, deps(model.client));

    expect(model.requests.map((request) => request.maxTokens)).toEqual([4_000, RAISED_MAX_TOKENS]);
    expect(model.requests[1]!.messages).toEqual(model.requests[0]!.messages);
    expect(result.usage).toEqual({ inputTokens: 200, outputTokens: 100, cacheReadTokens: 20, cacheWriteTokens: 10 });
    expect(result.costUsd).toBe(0.3);
  });

  it("doubles a budget that is already above the raised one", async () => {
    const model = scriptedModel({ stop: "max_tokens" }, { text: good });
    await generateStructured({ ...titlesTask, maxTokens: 20_000 }, deps(model.client));
    expect(model.requests.map((request) => request.maxTokens)).toEqual([20_000, 40_000]);
  });

  it("fails with OutputTruncated when the larger budget is cut too", async () => {
    const model = scriptedModel({ stop: "max_tokens" }, { stop: "max_tokens" });
    const error = await failureOf(generateStructured(titlesTask, deps(model.client)));
    expect(error).toBeInstanceOf(OutputTruncated);
    expect(error.message).toContain(`max_tokens even with ${RAISED_MAX_TOKENS} tokens`);
    expect((error as OutputTruncated).usage.outputTokens).toBe(100);
    expect(model.requests).toHaveLength(2);
  });

  it("feeds the problems back once in the same conversation, keeping a raised budget, and accepts the corrected answer", async () => {
    const model = scriptedModel({ stop: "max_tokens" }, { text: '{"titles": []}' }, { text: good });

    const result = await generateStructured(titlesTask, deps(model.client));

    expect(model.requests).toHaveLength(3);
    expect(model.requests[2]).toEqual({
      ...model.requests[0],
      maxTokens: RAISED_MAX_TOKENS,
      messages: [
        { role: "user", content: "Name the stories of EPIC-7." },
        { role: "assistant", content: '{"titles": []}' },
        { role: "user", content: "Fix these: titles: expected a non-empty list of strings" },
      ],
    });
    expect(result.value).toHaveLength(2);
    expect(result.usage.inputTokens).toBe(300);
  });

  it("fails with InvalidOutput naming the problems when the corrected answer fails too", async () => {
    const model = scriptedModel({ text: "no" }, { text: '{"titles": [1]}' });
    const error = await failureOf(generateStructured(titlesTask, deps(model.client)));
    expect(error).toBeInstanceOf(InvalidOutput);
    expect((error as InvalidOutput).issues).toEqual(["titles: expected a non-empty list of strings"]);
    expect((error as InvalidOutput).usage.inputTokens).toBe(200);
    expect((error as InvalidOutput).model).toBe("scripted-1");
  });

  it("fails with Refused, asking nothing more, when the model declines", async () => {
    const model = scriptedModel({ stop: "refusal", refusal: { category: "cyber", explanation: "Not this one." } });
    const error = await failureOf(generateStructured(titlesTask, deps(model.client)));
    expect(error).toBeInstanceOf(Refused);
    expect((error as Refused).category).toBe("cyber");
    expect(error.message).toContain("Not this one.");
    expect(model.requests).toHaveLength(1);
  });

  it("fails with OutputTruncated, asking nothing more, when the input fills the context window", async () => {
    const model = scriptedModel({ stop: "context_window" });
    const error = await failureOf(generateStructured(titlesTask, deps(model.client)));
    expect(error).toBeInstanceOf(OutputTruncated);
    expect(error.message).toContain("context window");
    expect((error as OutputTruncated).usage).toEqual(USAGE);
    expect(model.requests).toHaveLength(1);
  });
});
