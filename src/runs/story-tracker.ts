// The tracker a stored story lives in, and the reference to read it again.
import type { Trackers } from "../trackers/create-trackers.ts";
import { trackerOfKind } from "../trackers/registry.ts";
import type { Tracker, TrackerKind, TrackerRef } from "../trackers/types.ts";
import { TrackerNotConfigured } from "./story-errors.ts";

export function trackerFor(trackers: Trackers, kind: TrackerKind): Tracker {
  const entry = trackerOfKind(kind);
  const tracker = trackers[entry.name];
  if (!tracker) throw new TrackerNotConfigured(entry.displayName);
  return tracker;
}

export function storyRefOf(story: { readonly tracker: TrackerKind; readonly key: string }): TrackerRef {
  return { tracker: trackerOfKind(story.tracker).name, key: story.key, kind: "issue", input: story.key };
}
