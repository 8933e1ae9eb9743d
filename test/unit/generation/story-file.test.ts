import { readdirSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { acceptanceCriteriaOf, breakdownTask } from "../../../src/generation/breakdown-task.ts";
import { InvalidStoryFile } from "../../../src/generation/errors.ts";
import { loadStoryContextFile, parseStoryFile } from "../../../src/generation/story-file.ts";

const storiesDir = fileURLToPath(new URL("../../fixtures/stories/", import.meta.url));
const files = readdirSync(storiesDir).filter((file) => file.endsWith(".json"));
const stories = await Promise.all(files.map(async (file) => ({ file, ...(await loadStoryContextFile(path.join(storiesDir, file))) })));

function invalid(json: unknown): string {
  try {
    parseStoryFile(json, "story.json");
  } catch (error) {
    if (error instanceof InvalidStoryFile) return error.message;
    throw error;
  }
  throw new Error("expected InvalidStoryFile");
}

describe("the eval's story fixtures", () => {
  it("are ten valid story files", () => {
    expect(files).toHaveLength(10);
    for (const { context } of stories) expect(context.key).toMatch(/^[A-Z]+-\d+$/);
  });

  it("cover stories with and without acceptance criteria, an epic with siblings, kept bot subtasks, other languages and an injection", () => {
    expect(stories.some(({ context }) => context.acceptanceCriteria.length > 0)).toBe(true);
    expect(stories.some(({ context }) => context.acceptanceCriteria.length === 0 && acceptanceCriteriaOf(context).length > 0)).toBe(true);
    expect(stories.some(({ context }) => acceptanceCriteriaOf(context).length === 0)).toBe(true);
    expect(stories.some(({ context }) => context.epic !== null && context.siblingTitles.length > 0)).toBe(true);
    expect(stories.some(({ context }) => context.existingChildren.some((child) => child.createdByBot && child.code === "ST2"))).toBe(true);
    expect(stories.some(({ context }) => context.title.includes("Rechnungen"))).toBe(true);
    expect(stories.some(({ context }) => /ignore previous instructions/i.test(context.description))).toBe(true);
  });

  it("each build a request", () => {
    for (const { context, options } of stories) {
      expect(breakdownTask(context, options).firstMessage).toContain(`Break the story ${context.key} into subtasks.`);
    }
  });
});

describe("a story file", () => {
  it("fills the optional fields and reads generation options", () => {
    const { context, options } = parseStoryFile({ key: "ENG-1", title: "Do it", options: { effortScale: "hours" } });
    expect(context).toEqual({
      key: "ENG-1",
      title: "Do it",
      description: "",
      acceptanceCriteria: [],
      labels: [],
      estimate: null,
      epic: null,
      siblingTitles: [],
      existingChildren: [],
    });
    expect(options).toEqual({ effortScale: "hours" });
  });

  it("that is invalid is rejected with the field that is wrong", () => {
    expect(invalid({ title: "No key" })).toBe("story.json is not a valid story file: key: Invalid input: expected string, received undefined");
    expect(invalid({ key: "A-1", title: "t", existingChildren: [{ title: "x", code: "S2" }] })).toContain("existingChildren.0.code: a code like ST3");
    expect(invalid({ key: "A-1", title: "t", options: { count: { min: 5, max: 2 } } })).toContain("options.count: min must not exceed max");
    expect(invalid({ key: "A-1", title: "t", acceptanceCriterias: [] })).toContain('Unrecognized key: "acceptanceCriterias"');
  });

  it("that is not JSON or cannot be read says so", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "story-file-"));
    const broken = path.join(dir, "broken.json");
    await writeFile(broken, "{ not json");
    await expect(loadStoryContextFile(broken)).rejects.toThrow(/broken\.json is not a valid story file: not valid JSON/);
    await expect(loadStoryContextFile(path.join(dir, "missing.json"))).rejects.toThrow(/missing\.json is not a valid story file: cannot be read \(ENOENT\)/);
  });
});
