import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { answerJsonSchema } from "../../../src/generation/answer-schema.ts";
import { parseAnswer } from "../../../src/generation/parse-answer.ts";
import { DEFAULT_MAX_TOKENS, buildMessagesRequest, withFeedback, type MessagesRequest } from "../../../src/generation/request.ts";
import { toStructuredOutputSchema } from "../../../src/generation/structured-output-schema.ts";
import { loadStoryContextFile } from "../../../src/generation/story-file.ts";

const { context: story } = await loadStoryContextFile(new URL("../../fixtures/stories/checkout-discount-codes.json", import.meta.url).pathname);

/**
 * Request shapes a model answers with HTTP 400: on Claude Sonnet 5.5 a forced tool_choice,
 * sampling parameters, thinking budgets or "disabled", and an assistant prefill; the beta
 * output_format parameter on the GA API.
 */
function refusedShapes(request: MessagesRequest): string[] {
  const body = request as unknown as Record<string, unknown>;
  const found: string[] = [];
  if (body["tool_choice"] !== undefined) found.push("tool_choice");
  for (const sampling of ["temperature", "top_p", "top_k"]) if (body[sampling] !== undefined) found.push(sampling);
  const thinking = body["thinking"] as { type?: string; budget_tokens?: number } | undefined;
  if (thinking?.type === "disabled" || thinking?.budget_tokens !== undefined) found.push("thinking");
  if (request.messages.at(-1)?.role !== "user") found.push("assistant prefill");
  if (body["output_format"] !== undefined) found.push("output_format (beta)");
  return found;
}

/** Every keyword anywhere in a JSON schema, with the path where it appears. */
function keywords(schema: unknown, path = "$"): Array<[string, string, unknown]> {
  if (typeof schema !== "object" || schema === null) return [];
  const out: Array<[string, string, unknown]> = [];
  for (const [key, value] of Object.entries(schema)) {
    out.push([path, key, value]);
    if (key === "properties" || key === "$defs") {
      for (const [name, sub] of Object.entries(value as object)) out.push(...keywords(sub, `${path}.${name}`));
    } else if (key === "items") out.push(...keywords(value, `${path}[]`));
    else if (key === "anyOf" || key === "allOf") (value as unknown[]).forEach((sub, i) => out.push(...keywords(sub, `${path}|${i}`)));
  }
  return out;
}

/** A request body as it was sent before, compact: the exact bytes, key order included. */
function sentBefore(name: string): string {
  return JSON.stringify(JSON.parse(readFileSync(new URL(`../../fixtures/anthropic/${name}`, import.meta.url), "utf8")));
}

describe("the Messages API request", () => {
  it.each([
    ["checkout-discount-codes.json", "request-checkout-subtasks.json"],
    ["webhook-retries-hours-scale.json", "request-webhook-retries-hours.json"],
  ])("for the story %s is byte for byte the body in %s, so the prompt cache and the model's instructions stay as they are", async (story, body) => {
    const { context, options } = await loadStoryContextFile(new URL(`../../fixtures/stories/${story}`, import.meta.url).pathname);
    expect(JSON.stringify(buildMessagesRequest(context, options, "claude-sonnet-5-5"))).toBe(sentBefore(body));
  });

  it.each(["claude-sonnet-5-5", "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"])(
    "for %s uses no shape the model refuses",
    (model) => {
      const request = buildMessagesRequest(story, {}, model);
      expect(request.model).toBe(model);
      expect(refusedShapes(request)).toEqual([]);
      expect(refusedShapes(withFeedback(request, '{"subtasks":[]}', ["subtasks: too few"]))).toEqual([]);
      expect(Object.keys(request).sort()).toEqual(["max_tokens", "messages", "model", "output_config", "system"]);
    },
  );

  it("asks for structured output with the answer schema, the GA way", () => {
    const request = buildMessagesRequest(story, {}, "claude-sonnet-5-5");
    expect(request.output_config).toEqual({ format: { type: "json_schema", schema: answerJsonSchema } });
    expect(request.max_tokens).toBe(DEFAULT_MAX_TOKENS);
  });

  it("is the same for the same story, whatever the options, apart from the story message", () => {
    const a = buildMessagesRequest(story, {}, "claude-sonnet-5-5");
    const b = buildMessagesRequest(story, { effortScale: "hours", count: { min: 1, max: 3 } }, "claude-sonnet-5-5");
    expect(b.system).toEqual(a.system);
    expect(b.output_config).toEqual(a.output_config);
    expect(b.messages).not.toEqual(a.messages);
  });

  it("after a rejected answer, continues the conversation with that answer and a user turn listing the problems", () => {
    const request = buildMessagesRequest(story, {}, "claude-sonnet-5-5");
    const retry = withFeedback(request, '{"subtasks": 1}', ["subtasks: Invalid input: expected array, received number"]);
    expect(retry.system).toEqual(request.system);
    expect(retry.messages.map((message) => message.role)).toEqual(["user", "assistant", "user"]);
    expect(retry.messages[0]).toEqual(request.messages[0]);
    expect(retry.messages[1]!.content).toBe('{"subtasks": 1}');
    expect(retry.messages[2]!.content).toContain("- subtasks: Invalid input: expected array, received number");
  });

  it("shows an empty rejected answer as such, since an empty text turn is itself refused", () => {
    const retry = withFeedback(buildMessagesRequest(story, {}, "claude-sonnet-5-5"), "  ", ["(answer): the answer has no text"]);
    expect(retry.messages[1]!.content).toBe("(empty answer)");
  });
});

describe("the structured-output schema", () => {
  const all = keywords(answerJsonSchema);

  it("closes every object with additionalProperties: false", () => {
    const objects = all.filter(([, key, value]) => key === "type" && value === "object").map(([path]) => path);
    expect(objects).toEqual(["$", "$.subtasks[]"]);
    for (const path of objects) {
      expect(all).toContainEqual([path, "additionalProperties", false]);
    }
  });

  it("uses only keywords structured outputs accept", () => {
    const allowed = new Set(["type", "properties", "required", "additionalProperties", "items", "description", "minItems", "enum", "const", "anyOf", "allOf", "$ref", "$defs", "title", "format"]);
    expect(all.map(([, key]) => key).filter((key) => !allowed.has(key))).toEqual([]);
    for (const [, key, value] of all) if (key === "minItems") expect([0, 1]).toContain(value);
  });

  it("requires every field, so no optional parameter counts against the API's limits", () => {
    expect(all).toContainEqual(["$.subtasks[]", "required", ["title", "description", "effort", "acceptanceCriteria", "dependsOn"]]);
  });

  it("drops the bounds zod exports but keeps descriptions and nested schemas", () => {
    const reduced = toStructuredOutputSchema({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        n: { type: "integer", minimum: 1, maximum: 9007199254740991, description: "a number" },
        s: { type: "string", minLength: 1, maxLength: 120, pattern: "^a", format: "email" },
        list: { type: "array", items: { type: "object", properties: {} }, minItems: 3, maxItems: 15, default: [] },
        either: { oneOf: [{ type: "string" }, { type: "null" }] },
      },
      required: ["n"],
    });
    expect(reduced).toEqual({
      type: "object",
      properties: {
        n: { type: "integer", description: "a number" },
        s: { type: "string", format: "email" },
        list: { type: "array", items: { type: "object", properties: {}, additionalProperties: false } },
        either: { anyOf: [{ type: "string" }, { type: "null" }] },
      },
      required: ["n"],
      additionalProperties: false,
    });
  });
});

describe("reading Claude's answer", () => {
  const valid = { subtasks: [{ title: "Add it", description: "Do it. How to verify: look.", effort: "S", acceptanceCriteria: [1], dependsOn: [] }] };

  it("accepts JSON that matches the schema", () => {
    expect(parseAnswer(JSON.stringify(valid))).toEqual({ ok: true, answer: valid });
  });

  it("accepts an answer fenced as a markdown code block", () => {
    expect(parseAnswer("```json\n" + JSON.stringify(valid) + "\n```")).toMatchObject({ ok: true });
  });

  it("fills absent criteria and dependencies with none", () => {
    const result = parseAnswer(JSON.stringify({ subtasks: [{ title: "Add it", description: "Do it.", effort: "S" }] }));
    expect(result).toEqual({ ok: true, answer: { subtasks: [{ title: "Add it", description: "Do it.", effort: "S", acceptanceCriteria: [], dependsOn: [] }] } });
  });

  it("lists each schema violation with its path", () => {
    const result = parseAnswer(JSON.stringify({ subtasks: [{ title: " ", description: "x", effort: 3, acceptanceCriteria: [0], dependsOn: [] }] }));
    expect(result).toEqual({
      ok: false,
      issues: [
        "subtasks.0.title: Too small: expected string to have >=1 characters",
        "subtasks.0.effort: Invalid input: expected string, received number",
        "subtasks.0.acceptanceCriteria.0: Too small: expected number to be >=1",
      ],
    });
  });

  it("reports text that is not JSON", () => {
    const result = parseAnswer("Here are your subtasks: ...");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]).toMatch(/^\(answer\): not valid JSON/);
  });

  it("reports an empty answer", () => {
    expect(parseAnswer("")).toEqual({ ok: false, issues: ["(answer): the answer has no text; expected a JSON object"] });
  });

  it("rejects an answer without subtasks", () => {
    expect(parseAnswer('{"subtasks": []}')).toEqual({ ok: false, issues: ["subtasks: Too small: expected array to have >=1 items"] });
  });
});
