// An epic as a JSON file, for the eval (and tests): the EpicContext fields plus optional
// generation options, validated at the edge with zod like a story file (story-file.ts).
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { countRangeSchema } from "../count-range.ts";
import { InvalidStoryFile } from "../errors.ts";
import type { EpicContext, GenerateStoriesOptions } from "./types.ts";

const existingStorySchema = z.strictObject({
  title: z.string().trim().min(1),
  code: z.string().regex(/^S\d+$/i, "a code like S3").optional(),
  key: z.string().min(1).optional(),
  state: z.string().optional(),
  createdByBot: z.boolean().default(false),
});

export const epicFileSchema = z.strictObject({
  key: z.string().trim().min(1),
  title: z.string().trim().min(1),
  description: z.string().default(""),
  existingStories: z.array(existingStorySchema).default([]),
  siblingEpics: z.array(z.strictObject({ key: z.string().min(1), title: z.string().min(1) })).default([]),
  pointScale: z.array(z.number().nonnegative()).min(1).nullable().default(null),
  teamGuidance: z.string().optional(),
  options: z.strictObject({ count: countRangeSchema.optional(), language: z.string().trim().min(1).optional() }).default({}),
  /** Free notes for people reading the file (what an eval fixture exercises). */
  $comment: z.string().optional(),
});

export interface EpicFile {
  readonly context: EpicContext;
  readonly options: GenerateStoriesOptions;
}

export function parseEpicFile(json: unknown, file = "epic file"): EpicFile {
  const result = epicFileSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join(".") || "(file)"}: ${issue.message}`);
    throw new InvalidStoryFile(file, problems.join("; "));
  }
  const { options, $comment: _comment, teamGuidance, ...context } = result.data;
  return { context: { ...context, ...(teamGuidance ? { teamGuidance } : {}) }, options };
}

export async function loadEpicFile(file: string): Promise<EpicFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new InvalidStoryFile(file, `cannot be read as JSON (${(error as Error).message})`);
  }
  return parseEpicFile(json, file);
}
