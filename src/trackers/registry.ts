// Every tracker the bot supports, one line each. Configuration, references, the start-up log,
// messages and the run layer all read a tracker's facts from its entry here; a new tracker is
// its own folder (trackers/<name>/), one line below, and its value in the Prisma enums.
import type { ConfigOf, TrackerEntry } from "./entry.ts";
import { jiraEntry } from "./jira/entry.ts";
import { linearEntry } from "./linear/entry.ts";
import type { TrackerKind, TrackerName } from "./types.ts";

export const trackerRegistry = {
  linear: linearEntry,
  jira: jiraEntry,
} as const satisfies { readonly [N in TrackerName]: TrackerEntry<any, any> & { readonly name: N } };

export type TrackerRegistry = typeof trackerRegistry;

/** Every tracker, in the registry's order (the order of messages and the configuration table). */
export const trackerEntries: readonly TrackerEntry[] = Object.values(trackerRegistry) as readonly TrackerEntry[];

export const trackerNames: readonly TrackerName[] = trackerEntries.map((entry) => entry.name);

/** The configuration of every tracker; null where it is off. */
export type TrackerConfigs = { readonly [N in TrackerName]: ConfigOf<TrackerRegistry[N]> | null };

/** The entry of a tracker as the database names it (Story.tracker). */
export function trackerOfKind(kind: TrackerKind): TrackerEntry {
  const entry = trackerEntries.find((candidate) => candidate.kind === kind);
  if (!entry) throw new Error(`no tracker is registered for ${kind}`);
  return entry;
}

/** The trackers that have credentials, in the registry's order. */
export function configuredTrackerNames(configs: TrackerConfigs): TrackerName[] {
  return trackerNames.filter((name) => configs[name] !== null);
}
