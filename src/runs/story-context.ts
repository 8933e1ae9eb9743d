import type { ExistingChild, StoryContext } from "../generation/types.ts";
import type { TrackerStory } from "../trackers/types.ts";

/** What the engine is told about a story: the tracker's view plus the run's knowledge. */
export function buildStoryContext(
  story: TrackerStory,
  existing: readonly ExistingChild[],
  siblingTitles: readonly string[],
  teamGuidance?: string,
): StoryContext {
  return {
    key: story.key,
    title: story.title,
    description: story.description,
    acceptanceCriteria: story.acceptanceCriteria,
    labels: story.labels,
    estimate: story.estimate,
    epic: story.parent ? { key: story.parent.key, title: story.parent.title } : null,
    siblingTitles,
    existingChildren: existing,
    ...(teamGuidance ? { teamGuidance } : {}),
  };
}
