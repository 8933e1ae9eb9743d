// Waiting, injectable: code that backs off takes a Sleep, so tests pass one that returns at once.
import { setTimeout as delay } from "node:timers/promises";

export type Sleep = (ms: number) => Promise<void>;

/** Resolves after `ms` (0 or less: on the next turn of the event loop). */
export const sleep: Sleep = async (ms) => {
  await delay(Math.max(0, ms));
};
