import { describe, expect, it } from "vitest";
import { AppError } from "../../../src/errors/app-error.ts";
import { GenerationUnavailable, InvalidOutput, OutputTruncated, Refused } from "../../../src/generation/errors.ts";
import { NO_USAGE } from "../../../src/generation/usage.ts";

const spent = { usage: NO_USAGE, model: "claude-sonnet-5-5" };

describe("generation errors", () => {
  it("tell the run layer truthfully whether trying the story again later can help", () => {
    const cases: Array<[AppError, string, boolean]> = [
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

  it("keep an invalid-output message short while keeping every issue", () => {
    const issues = Array.from({ length: 12 }, (_, index) => `subtasks.${index}.effort: Required`);
    const error = new InvalidOutput(issues, spent);
    expect(error.message).toContain("subtasks.7.effort: Required (and 4 more)");
    expect(error.message).not.toContain("subtasks.8.");
    expect(error.issues).toHaveLength(12);
  });
});
