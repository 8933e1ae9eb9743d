// Which states are open and which are final, for stories and for runs. The states themselves are
// the database's enums (prisma/schema.prisma); every list of them the bot needs is here.
import type { RunStatus, RunStoryStatus } from "../generated/prisma/enums.ts";

export type RunState = RunStatus;
export type RunStoryState = RunStoryStatus;

/** A story still has work ahead: a job will (or may) move it on. */
export const OPEN_STORY_STATES = ["PENDING", "GENERATING", "SAVING"] as const satisfies readonly RunStoryState[];
/** A story is done with, one way or another; nothing moves it again in this run. */
export const FINAL_STORY_STATES = ["COMPLETED", "FAILED", "SKIPPED"] as const satisfies readonly RunStoryState[];
/** A run is over: its totals are written and its last message is sent. */
export const FINAL_RUN_STATES = ["COMPLETED", "PARTIAL", "FAILED"] as const satisfies readonly RunState[];

export function isOpenStory(status: RunStoryState): boolean {
  return (OPEN_STORY_STATES as readonly RunStoryState[]).includes(status);
}

export function isFinalStory(status: RunStoryState): boolean {
  return (FINAL_STORY_STATES as readonly RunStoryState[]).includes(status);
}

export function isRunOver(status: RunState): boolean {
  return (FINAL_RUN_STATES as readonly RunState[]).includes(status);
}
