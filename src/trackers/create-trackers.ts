// Builds the adapters of the trackers that have credentials; the others are simply absent.
import type { Sleep } from "../async/sleep.ts";
import type { CallBudget } from "../budget/call-budget.ts";
import type { Logger } from "../log/logger.ts";
import { trackerEntries, type TrackerConfigs } from "./registry.ts";
import type { Tracker, TrackerName } from "./types.ts";

export type Trackers = Partial<Record<TrackerName, Tracker>>;

export interface CreateTrackersDeps {
  readonly configs: TrackerConfigs;
  readonly logger: Logger;
  readonly sleep?: Sleep;
  readonly now?: () => number;
  /** The budget of one workspace's requests (see TrackerEntry.budgetName); unset: not limited. */
  readonly budgetFor?: (name: string) => CallBudget;
}

export function createTrackers(deps: CreateTrackersDeps): Trackers {
  const { configs, budgetFor, ...rest } = deps;
  const trackers: Trackers = {};
  for (const entry of trackerEntries) {
    const config = configs[entry.name];
    if (config === null) continue;
    const budget = budgetFor?.(entry.budgetName(config as never));
    trackers[entry.name] = entry.create({ ...rest, config: config as never, ...(budget ? { budget } : {}) });
  }
  return trackers;
}
