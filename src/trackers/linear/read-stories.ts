// Reads many Linear issues as TrackerStories, 50 per request (Stories query): what a run's
// resolve step stores so each story's step need not read its story again. A story whose
// sub-issues do not all fit in the batch is left out; its step reads it alone.

import { BOT_LABEL } from "../marker.ts";
import type { TrackerItemSummary, TrackerStory } from "../types.ts";
import type { LinearCall } from "./graphql.ts";
import { storiesQuery } from "./queries.ts";
import { toTrackerStory } from "./read-story.ts";
import { storiesAnswer } from "./schemas.ts";
import { chunks } from "../../collections/chunks.ts";

export const STORIES_PER_REQUEST = 50;

export async function readLinearStories(deps: { readonly call: LinearCall }, items: readonly TrackerItemSummary[]): Promise<TrackerStory[]> {
  const stories: TrackerStory[] = [];
  for (const page of chunks(items, STORIES_PER_REQUEST)) {
    const ids = page.map((item) => item.id);
    const answer = await deps.call(storiesQuery, { ids, first: ids.length, labelName: BOT_LABEL }, storiesAnswer, {
      action: `read ${ids.length} stories`,
    });
    for (const issue of answer.issues.nodes) {
      if (issue.children.pageInfo.hasNextPage) continue;
      stories.push(toTrackerStory(issue, issue.children.nodes));
    }
  }
  return stories;
}
