import { describe, expect, it } from "vitest";
import type { Answer, AnswerSubtask } from "../../../src/generation/answer-schema.ts";
import { highestCode, nextCodes } from "../../../src/generation/codes.ts";
import { resolveOptions } from "../../../src/generation/options.ts";
import { postProcess, type PostProcessInput } from "../../../src/generation/post-process.ts";
import { duplicateKey, normaliseTitle } from "../../../src/generation/title.ts";
import type { ExistingChild } from "../../../src/generation/types.ts";

function subtask(title: string, extra: Partial<AnswerSubtask> = {}): AnswerSubtask {
  return { title, description: `Do: ${title}.\n\nHow to verify: check it.`, effort: "M", acceptanceCriteria: [], dependsOn: [], ...extra };
}

function run(subtasks: AnswerSubtask[], input: Partial<Omit<PostProcessInput, "answer">> = {}) {
  const answer: Answer = { verdict: "breakdown", reason: "Split by layer.", subtasks };
  return postProcess({
    answer,
    existingChildren: [],
    acceptanceCriteria: [],
    options: resolveOptions({ count: { min: 1, max: 15 } }),
    ...input,
  });
}

describe("subtask titles", () => {
  it("are one trimmed line without a trailing period, starting with a capital", () => {
    expect(normaliseTitle("  add   retry\n to the\twebhook sender.  ")).toBe("Add retry to the webhook sender");
    expect(normaliseTitle("écrire la migration...")).toBe("Écrire la migration");
  });

  it("lose the numbering or code the model copied in front of them", () => {
    expect(normaliseTitle("1. Add the index")).toBe("Add the index");
    expect(normaliseTitle("- Add the index")).toBe("Add the index");
    expect(normaliseTitle("ST3: Add the index")).toBe("Add the index");
    expect(normaliseTitle('"Add the index"')).toBe("Add the index");
  });

  it("are cut at a word to at most 120 characters, marked with an ellipsis", () => {
    const long = `Add ${"very ".repeat(40)}long title`;
    const title = normaliseTitle(long);
    expect(title.length).toBeLessThanOrEqual(120);
    expect(title.endsWith("very…")).toBe(true);
    expect(normaliseTitle("x".repeat(200))).toHaveLength(120);
  });

  it("count as duplicates when only case, spacing or punctuation differ", () => {
    expect(duplicateKey("Add GET /me/notification-preferences")).toBe(duplicateKey("add get me notification preferences"));
    expect(duplicateKey("Add the index")).not.toBe(duplicateKey("Add an index"));
  });
});

describe("subtask codes", () => {
  const children: ExistingChild[] = [
    { title: "Design the toggles", createdByBot: false },
    { title: "Add the table", code: "ST2", createdByBot: true },
    { title: "Old one", code: "st7", createdByBot: true },
    { title: "Odd code", code: "STX", createdByBot: true },
  ];

  it("continue after the highest ST code among the existing children", () => {
    expect(highestCode(children)).toBe(7);
    expect(nextCodes(children, 3)).toEqual(["ST8", "ST9", "ST10"]);
  });

  it("start at ST1 on a story without bot-made children", () => {
    expect(nextCodes([{ title: "Person's task", createdByBot: false }], 2)).toEqual(["ST1", "ST2"]);
  });
});

describe("post-processing an answer", () => {
  it("numbers the subtasks after the existing codes and names dependencies by code", () => {
    const result = run([subtask("Add the table"), subtask("Add the endpoint", { dependsOn: [1] }), subtask("Show the page", { dependsOn: [1, 2] })], {
      existingChildren: [{ title: "Write the design doc", code: "ST2", createdByBot: true }],
    });
    expect(result.issues).toEqual([]);
    expect(result.subtasks.map((s) => [s.code, s.dependsOn])).toEqual([
      ["ST3", []],
      ["ST4", ["ST3"]],
      ["ST5", ["ST3", "ST4"]],
    ]);
  });

  it("drops subtasks that repeat an existing child in other words of case and punctuation", () => {
    const result = run([subtask("add notification_preferences table and migration."), subtask("Wire the settings page", { dependsOn: [1] })], {
      existingChildren: [{ title: "Add notification_preferences table and migration", code: "ST1", createdByBot: true }],
    });
    expect(result.subtasks.map((s) => [s.code, s.title, s.dependsOn])).toEqual([["ST2", "Wire the settings page", []]]);
    expect(result.dropped).toEqual([{ title: "Add notification_preferences table and migration", reason: "duplicate_of_existing" }]);
  });

  it("keeps the first of two near-identical subtasks and points dependencies at it", () => {
    const result = run([subtask("Add the API endpoint"), subtask("Add the API end-point!"), subtask("Call it from the page", { dependsOn: [2] })]);
    expect(result.subtasks.map((s) => [s.code, s.title, s.dependsOn])).toEqual([
      ["ST1", "Add the API endpoint", []],
      ["ST2", "Call it from the page", ["ST1"]],
    ]);
    expect(result.dropped).toEqual([{ title: "Add the API end-point!", reason: "duplicate_in_answer" }]);
  });

  it("keeps the first subtasks up to the maximum", () => {
    const result = run(
      Array.from({ length: 6 }, (_, index) => subtask(`Do step ${index + 1}`)),
      { options: resolveOptions({ count: { min: 2, max: 4 } }) },
    );
    expect(result.issues).toEqual([]);
    expect(result.subtasks.map((s) => s.title)).toEqual(["Do step 1", "Do step 2", "Do step 3", "Do step 4"]);
    expect(result.dropped.map((d) => d.reason)).toEqual(["over_maximum", "over_maximum"]);
  });

  it("reports too few subtasks once repeats of existing work are gone", () => {
    const result = run([subtask("Add the table"), subtask("Add the page")], {
      existingChildren: [{ title: "Add the table", createdByBot: false }],
      options: resolveOptions({ count: { min: 2, max: 5 } }),
    });
    expect(result.issues).toEqual([
      "subtasks: 1 distinct new subtask(s) remain (2 given, 1 repeated existing subtasks or each other); give between 2 and 5 that do not repeat the existing subtasks",
    ]);
  });

  it("reports dependencies on later or missing subtasks", () => {
    const result = run([subtask("First", { dependsOn: [2] }), subtask("Second", { dependsOn: [9] })]);
    expect(result.issues).toEqual([
      "subtasks.0.dependsOn: 2 is not an earlier subtask (this is subtask 1); list subtasks in the order they are done",
      "subtasks.1.dependsOn: there is no subtask 9; the answer has 2",
    ]);
    expect(result.subtasks.every((s) => s.dependsOn.length === 0)).toBe(true);
  });

  it("turns criterion numbers into the criteria's text and reports numbers that do not exist", () => {
    const result = run([subtask("Build it", { acceptanceCriteria: [2, 1, 2, 4] })], { acceptanceCriteria: ["Works offline", "Loads fast"] });
    expect(result.subtasks[0]!.acceptanceCriteria).toEqual(["Loads fast", "Works offline"]);
    expect(result.issues).toEqual(["subtasks.0.acceptanceCriteria: AC4 does not exist; the story has AC1 to AC2"]);
  });

  it("puts effort on the asked scale and reports effort it cannot read", () => {
    const hours = run([subtask("A", { effort: "half a day" }), subtask("B", { effort: "L" })], { options: resolveOptions({ effortScale: "hours" }) });
    expect(hours.subtasks.map((s) => s.effort)).toEqual(["4h", "6h"]);

    const sizes = run([subtask("A", { effort: "Extra small" }), subtask("B", { effort: "a while" })]);
    expect(sizes.subtasks[0]!.effort).toBe("XS");
    expect(sizes.issues).toEqual(['subtasks.1.effort: "a while" is not an effort; expected one of XS, S, M, L, XL']);
  });
});

describe("generation options", () => {
  it("default to an adaptive 2–8 subtasks, T-shirt sizes and the story's language", () => {
    expect(resolveOptions()).toEqual({ count: { min: 2, max: 8 }, adaptive: true, effortScale: "tshirt", language: undefined });
  });

  it("keep the count inside the hard bounds of 1 to 15", () => {
    expect(resolveOptions({ count: { min: 0, max: 40 } }).count).toEqual({ min: 1, max: 15 });
    expect(resolveOptions({ count: { min: 9, max: 4 } }).count).toEqual({ min: 9, max: 9 });
  });
});

describe("the verdict", () => {
  const noBreakdown: Answer = { verdict: "no_breakdown", reason: "  A one-line config change\nwith its test. ", subtasks: [] };

  it("no_breakdown with an adaptive count is a usable answer: no subtasks, the reason on one line", () => {
    const result = postProcess({ answer: noBreakdown, existingChildren: [], acceptanceCriteria: [], options: resolveOptions({}) });
    expect(result).toEqual({ verdict: "no_breakdown", reason: "A one-line config change with its test.", subtasks: [], dropped: [], issues: [] });
  });

  it("no_breakdown where a person or team set a range is refused with the range, so the retry breaks the story down", () => {
    const result = postProcess({ answer: noBreakdown, existingChildren: [], acceptanceCriteria: [], options: resolveOptions({ count: { min: 3, max: 6 } }) });
    expect(result.issues).toEqual(["verdict: no_breakdown is not allowed here; the settings ask for between 3 and 6 subtasks, so answer with a breakdown"]);
  });

  it("an adaptive count takes 2 to 8 subtasks, and one alone is refused with the no_breakdown way out", () => {
    expect(resolveOptions({})).toMatchObject({ count: { min: 2, max: 8 }, adaptive: true });
    expect(resolveOptions({ count: "adaptive" })).toMatchObject({ count: { min: 2, max: 8 }, adaptive: true });
    expect(resolveOptions({ count: { min: 3, max: 5 } })).toMatchObject({ count: { min: 3, max: 5 }, adaptive: false });
    const one = postProcess({ answer: { verdict: "breakdown", reason: "x", subtasks: [subtask("Add the flag")] }, existingChildren: [], acceptanceCriteria: [], options: resolveOptions({}) });
    expect(one.issues).toEqual([
      "subtasks: 1 distinct new subtask(s) remain; give between 2 and 8 that do not repeat the existing subtasks, or answer no_breakdown if the story is one developer-day or less as it is",
    ]);
  });
});
