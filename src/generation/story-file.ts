// A story as a JSON file, for `subtasks generate <file.json> --dry-run` and the eval: the
// StoryContext fields, plus optional generation options. Validated at the edge with zod.

import { readFile } from "node:fs/promises";
import { z } from "zod";
import { EFFORT_SCALES } from "../effort/effort.ts";
import { countRangeSchema } from "./count-range.ts";
import { InvalidStoryFile } from "./errors.ts";
import type { GenerateOptions, StoryContext } from "./types.ts";

const existingChildSchema = z.strictObject({
  title: z.string().trim().min(1),
  code: z.string().regex(/^ST\d+$/i, "a code like ST3").optional(),
  key: z.string().min(1).optional(),
  state: z.string().optional(),
  createdByBot: z.boolean().default(false),
});

export const generateOptionsSchema = z.strictObject({
  count: countRangeSchema.optional(),
  effortScale: z.enum(EFFORT_SCALES).optional(),
  language: z.string().trim().min(1).optional(),
});

export const storyContextSchema = z.strictObject({
  key: z.string().trim().min(1),
  title: z.string().trim().min(1),
  description: z.string().default(""),
  acceptanceCriteria: z.array(z.string()).default([]),
  labels: z.array(z.string()).default([]),
  estimate: z.number().nonnegative().nullable().default(null),
  epic: z.strictObject({ key: z.string().min(1), title: z.string().min(1), summary: z.string().optional() }).nullable().default(null),
  siblingTitles: z.array(z.string()).default([]),
  existingChildren: z.array(existingChildSchema).default([]),
  teamGuidance: z.string().optional(),
});

export const storyFileSchema = storyContextSchema.extend({
  /** Not part of the story: how to generate for it (CLI flags override). */
  options: generateOptionsSchema.default({}),
  /** Free notes for people reading the file (e.g. what an eval fixture exercises). */
  $comment: z.string().optional(),
});

export interface StoryFile {
  readonly context: StoryContext;
  readonly options: GenerateOptions;
}

/** The story file's content, validated; InvalidStoryFile says which field is wrong. */
export function parseStoryFile(json: unknown, file = "story file"): StoryFile {
  const result = storyFileSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(file)"}: ${issue.message}`);
    throw new InvalidStoryFile(file, problems.join("; "));
  }
  const { options, $comment: _comment, ...context } = result.data;
  return { context, options };
}

/** Reads and validates a story file (UTF-8 JSON). */
export async function loadStoryContextFile(file: string): Promise<StoryFile> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new InvalidStoryFile(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidStoryFile(file, `not valid JSON (${(error as Error).message})`);
  }
  return parseStoryFile(json, file);
}
