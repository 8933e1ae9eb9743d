import { describe, expect, it } from "vitest";
import { parseAnswer } from "../../../src/generation/parse-answer.ts";

describe("reading Claude's answer", () => {
  const valid = { verdict: "breakdown", reason: "Split by layer.", subtasks: [{ title: "Add it", description: "Do it. How to verify: look.", effort: "S", acceptanceCriteria: [1], dependsOn: [] }] };

  it("accepts JSON that matches the schema", () => {
    expect(parseAnswer(JSON.stringify(valid))).toEqual({ ok: true, answer: valid });
  });

  it("accepts an answer fenced as a markdown code block", () => {
    expect(parseAnswer("```json\n" + JSON.stringify(valid) + "\n```")).toMatchObject({ ok: true });
  });

  it("fills absent criteria and dependencies with none", () => {
    const result = parseAnswer(JSON.stringify({ verdict: "breakdown", reason: "r", subtasks: [{ title: "Add it", description: "Do it.", effort: "S" }] }));
    expect(result).toEqual({ ok: true, answer: { verdict: "breakdown", reason: "r", subtasks: [{ title: "Add it", description: "Do it.", effort: "S", acceptanceCriteria: [], dependsOn: [] }] } });
  });

  it("lists each schema violation with its path", () => {
    const result = parseAnswer(JSON.stringify({ verdict: "breakdown", reason: "r", subtasks: [{ title: " ", description: "x", effort: 3, acceptanceCriteria: [0], dependsOn: [] }] }));
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

  it("rejects an answer without a verdict or a reason", () => {
    expect(parseAnswer('{"subtasks": []}')).toEqual({
      ok: false,
      issues: ['verdict: Invalid option: expected one of "breakdown"|"no_breakdown"', "reason: Invalid input: expected string, received undefined"],
    });
  });

  it("accepts no_breakdown with no subtasks", () => {
    expect(parseAnswer('{"verdict":"no_breakdown","reason":"One flag and its test.","subtasks":[]}')).toEqual({
      ok: true,
      answer: { verdict: "no_breakdown", reason: "One flag and its test.", subtasks: [] },
    });
  });
});
