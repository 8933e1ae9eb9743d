import type { ExistingChild, PlannedSubtask, StoryContext } from "../generation/types.ts";
import type { TrackerStory } from "../trackers/types.ts";

/** What the run knows about a story besides what the tracker says. */
export interface RunKnowledge {
  readonly existing: readonly ExistingChild[];
  readonly siblingTitles: readonly string[];
  /** The team's guidance (its settings). */
  readonly guidance?: string | null;
  /** A person's instructions for the plan, oldest first. */
  readonly instructions?: readonly string[];
  /** The plan being refined, when a new instruction came for it. */
  readonly previousPlan?: readonly PlannedSubtask[] | null;
}

/** What the engine is told about a story: the tracker's view plus the run's knowledge. */
export function buildStoryContext(story: TrackerStory, known: RunKnowledge): StoryContext {
  return {
    key: story.key,
    title: story.title,
    description: story.description,
    acceptanceCriteria: story.acceptanceCriteria,
    labels: story.labels,
    estimate: story.estimate,
    epic: story.parent ? { key: story.parent.key, title: story.parent.title } : null,
    siblingTitles: known.siblingTitles,
    existingChildren: known.existing,
    ...(known.guidance ? { teamGuidance: known.guidance } : {}),
    ...(known.instructions && known.instructions.length > 0 ? { instructions: known.instructions } : {}),
    ...(known.previousPlan && known.previousPlan.length > 0 ? { previousPlan: known.previousPlan } : {}),
  };
}
