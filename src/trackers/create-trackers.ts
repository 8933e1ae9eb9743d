// Builds the adapters of the trackers that have credentials; the others are simply absent.

import type { Config, TrackerName } from "../config/config.ts";
import type { Logger } from "../log/logger.ts";
import { createJiraTracker } from "./jira/adapter.ts";
import { createLinearTracker } from "./linear/adapter.ts";
import type { Sleep } from "./retry.ts";
import type { Tracker } from "./types.ts";

export interface CreateTrackersDeps {
  readonly config: Pick<Config, "linear" | "jira">;
  readonly logger: Logger;
  readonly sleep?: Sleep;
  readonly now?: () => number;
}

export function createTrackers(deps: CreateTrackersDeps): Partial<Record<TrackerName, Tracker>> {
  const { config, ...rest } = deps;
  const trackers: Partial<Record<TrackerName, Tracker>> = {};
  if (config.linear) trackers.linear = createLinearTracker({ ...rest, config: config.linear });
  if (config.jira) trackers.jira = createJiraTracker({ ...rest, config: config.jira });
  return trackers;
}
