import { z } from "zod";
import { countRangeSchema } from "../generation/count-range.ts";
import { MAX_INSTRUCTION_CHARS } from "../generation/limits.ts";
import { trackerNames } from "../trackers/registry.ts";
import type { TrackerName, TrackerRef } from "../trackers/types.ts";
import type { RunOptions } from "./types.ts";

// Run.options is a JSON column: validated whenever it is read back,
// so a row written by an older version fails loudly instead of deep inside a job.

export const runOptionsSchema = z.object({
  count: z.union([countRangeSchema, z.literal("adaptive")]).optional(),
  dryRun: z.boolean().optional(),
  review: z.boolean().optional(),
  instruction: z.string().max(MAX_INSTRUCTION_CHARS).optional(),
  thenSubtasks: z.boolean().optional(),
  singleStory: z.boolean().optional(),
});

export function parseRunOptions(value: unknown): RunOptions {
  const { count, dryRun, review, instruction, thenSubtasks, singleStory } = runOptionsSchema.parse(value ?? {});
  return {
    ...(count ? { count } : {}),
    ...(dryRun ? { dryRun } : {}),
    ...(review === undefined ? {} : { review }),
    ...(instruction ? { instruction } : {}),
    ...(thenSubtasks ? { thenSubtasks } : {}),
    ...(singleStory ? { singleStory } : {}),
  };
}

const targetSchema = z.object({
  tracker: z.enum(trackerNames as [TrackerName, ...TrackerName[]]),
  key: z.string(),
  kind: z.enum(["issue", "project"]),
  input: z.string(),
});

/** The references a run was started with, already resolved to a tracker (kept in Run.options). */
export function parseRunTargets(value: unknown): TrackerRef[] {
  return z.object({ targets: z.array(targetSchema).default([]) }).parse(value ?? {}).targets;
}
