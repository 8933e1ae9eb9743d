// The stories this process works on at once (RUN_CONCURRENCY), counted apart from the queue's
// workers. A slot is held from a story's model call to its last tracker write: the work a slot
// stands for. What surrounds it, loading the job's story before and recording the outcome,
// completing the job and fetching the next after, runs outside the slots in the queue's extra
// workers (STORY_WORKERS_PER_SLOT), so a slot passes from one story to the next without waiting
// on those round trips.
//
// The claim, the one statement between a free slot and the model call, is made in a turn rather
// than in the slot. Turns are as many as slots, and a story passes its turn on as it starts its
// last tracker write: the next story's claim commits while that write is under way, and the slot
// passes straight to a claimed story. So a claimed story waits for its slot at most one tracker
// write, and a slot never waits for a claim.
import { Semaphore } from "async-mutex";

/** One story's place: its turn to claim, then its slot. */
export interface StoryTurn {
  /** Waits for a slot (after the claim). */
  takeSlot(): Promise<void>;
  /** The story starts its last tracker write: the next story may claim now. */
  passTurn(): void;
  /** Gives back what the story still holds, its turn and its slot. Twice is once. */
  end(): void;
}

export interface StorySlots {
  /** Waits for a turn: a slot free, or one whose story is on its last tracker write. */
  turn(): Promise<StoryTurn>;
}

/** Queue workers per slot: one works in the slot while the other records, completes and fetches. */
export const STORY_WORKERS_PER_SLOT = 2;

/** Connections for the rest of a process's database work: the other queue workers, the sweeper, the HTTP routes. */
const CONNECTIONS_BESIDE_STORIES = 6;

/**
 * The shared pool's size for a process working on `runConcurrency` stories at once: a connection
 * for each story worker, which holds at most one at a time, so a story's move to SAVING never
 * waits for one, and some for the rest; never fewer than the ten the pool always had.
 */
export function poolSizeFor(runConcurrency: number): number {
  return Math.max(10, runConcurrency * STORY_WORKERS_PER_SLOT + CONNECTIONS_BESIDE_STORIES);
}

export function createStorySlots(size: number): StorySlots {
  const turns = new Semaphore(size);
  const slots = new Semaphore(size);
  return {
    async turn() {
      // async-mutex's releasers give back once, however often they are called.
      const [, passTurn] = await turns.acquire();
      let giveSlotBack: (() => void) | null = null;
      return {
        async takeSlot() {
          if (!giveSlotBack) [, giveSlotBack] = await slots.acquire();
        },
        passTurn,
        end() {
          passTurn();
          giveSlotBack?.();
        },
      };
    },
  };
}

/** No limit of its own: the queue's workers are the only bound (a processor built without slots). */
export const unlimitedSlots: StorySlots = {
  turn: async () => ({ takeSlot: async () => undefined, passTurn: () => undefined, end: () => undefined }),
};
