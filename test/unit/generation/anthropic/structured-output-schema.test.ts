import { describe, expect, it } from "vitest";
import { toStructuredOutputSchema } from "../../../../src/generation/anthropic/structured-output-schema.ts";
import { answerJsonSchema } from "../../../../src/generation/answer-schema.ts";

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

describe("the structured-output schema", () => {
  // What is sent: the answer schema as the adapter narrows it.
  const all = keywords(toStructuredOutputSchema(answerJsonSchema));

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
