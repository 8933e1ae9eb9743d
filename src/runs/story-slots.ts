// The stories this process works on at once (RUN_CONCURRENCY), counted apart from the queue's
// workers. A slot is held from a story's claim to its last tracker write: the model call and the
// tracker's writes, the work a slot stands for. What surrounds it, loading the job's story before
// and recording the outcome, completing the job and fetching the next after, runs outside the
// slots in the queue's extra workers (STORY_WORKERS_PER_SLOT), so a slot passes from one story to
// the next without waiting on those round trips.
import { Semaphore } from "async-mutex";

/** A held slot. Giving it back twice gives it back once. */
export type StorySlot = () => void;

export interface StorySlots {
  /** Waits for a free slot. */
  take(): Promise<StorySlot>;
}

/** Queue workers per slot: one works in the slot while the other records, completes and fetches. */
export const STORY_WORKERS_PER_SLOT = 2;

export function createStorySlots(size: number): StorySlots {
  const semaphore = new Semaphore(size);
  return {
    // async-mutex's releaser gives the slot back once, however often it is called.
    take: async () => (await semaphore.acquire())[1],
  };
}

/** No limit of its own: the queue's workers are the only bound (a processor built without slots). */
export const unlimitedSlots: StorySlots = { take: async () => () => undefined };
