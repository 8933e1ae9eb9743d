// Write-back of one epic's stories. Unlike subtasks there is no local row before the tracker
// issue (a Story row needs the id), so a crash between creating and recording is
// recovered from the tracker itself: Linear takes the client id (a repeated create returns the
// issue made before), and every story carries the bot's marker (run + code), which a resumed
// job finds on the epic it reads again (Jira). Then the dependencies become "blocks" links,
// which each tracker makes once however often it is asked (Tracker.linkBlocks).
import type { Logger } from "../log/logger.ts";
import type { BlocksLink, ItemFailure, NewStory, Tracker, TrackerEpic, TrackerItemSummary } from "../trackers/types.ts";
import { storyClientId, storyLinkClientId } from "./client-id.ts";
import type { StoriesProposal } from "./stories-proposal.ts";

/** A story of this run that exists in the tracker now. */
export interface WrittenStory extends TrackerItemSummary {
  readonly code: string;
}

export interface WriteStoriesInput {
  readonly runId: string;
  /** Our Epic row id (client ids are derived from it). */
  readonly epicId: string;
  /** The epic as the tracker shows it now (re-read on a resumed job). */
  readonly epic: TrackerEpic;
  readonly proposal: StoriesProposal;
}

export interface WriteStoriesResult {
  /** This run's stories that exist in the tracker, in code order. */
  readonly stories: readonly WrittenStory[];
  readonly deletedKeys: readonly string[];
  readonly failures: readonly ItemFailure[];
  readonly linksUnavailable: string | null;
}

/** The description a generated story gets before the adapter adds its criteria and marker. */
export function storyBody(story: StoriesProposal["stories"][number]): string {
  const parts = [story.description.trim()];
  if (story.dependsOn.length > 0) parts.push(`**Depends on** ${story.dependsOn.join(", ")}`);
  return parts.filter(Boolean).join("\n\n");
}

export async function writeStories(deps: { readonly tracker: Tracker; readonly logger: Logger }, input: WriteStoriesInput): Promise<WriteStoriesResult> {
  const { tracker } = deps;
  const { runId, epicId, epic, proposal } = input;
  const failures: ItemFailure[] = [];

  // 1. Replace the bot's untouched stories, checked again now: a person may have started one.
  const present = new Map(epic.stories.map((story) => [story.id, story]));
  const deletable = proposal.deletions.filter((planned) => {
    const story = present.get(planned.id);
    return story !== undefined && story.createdByBot && !story.touchedByPerson && story.marker?.runId !== runId;
  });
  let deletedKeys: string[] = [];
  if (deletable.length > 0) {
    const result = await tracker.deleteSubtasks(deletable.map((story) => story.id));
    const deleted = new Set(result.deleted);
    deletedKeys = deletable.filter((story) => deleted.has(story.id)).map((story) => story.key);
    failures.push(...result.failed);
  }

  // 2. Stories of this run made before a crash carry its marker: matched, not created again.
  const written = new Map<string, WrittenStory>();
  for (const story of epic.stories) {
    if (story.marker?.runId === runId) written.set(story.marker.code, { id: story.id, key: story.key, title: story.title, url: story.url, code: story.marker.code });
  }

  // 3. Create what is still missing, in code order.
  const missing: NewStory[] = proposal.stories
    .filter((story) => !written.has(story.code))
    .map((story) => ({
      code: story.code,
      title: story.title,
      description: storyBody(story),
      acceptanceCriteria: story.acceptanceCriteria,
      points: story.points,
      ...(proposal.extraLabels.length > 0 ? { labels: proposal.extraLabels } : {}),
      marker: { runId, code: story.code },
      clientId: storyClientId(runId, epicId, story.code),
    }));
  if (missing.length > 0) {
    const result = await tracker.createStories(epic, missing);
    for (const item of result.created) written.set(item.code, item);
    failures.push(...result.failed);
  }

  // 4. Dependencies between stories that exist now.
  const links = proposal.stories.flatMap((story) =>
    story.dependsOn.flatMap((code): BlocksLink[] => {
      const blocker = written.get(code);
      const blocked = written.get(story.code);
      if (!blocker || !blocked) return [];
      return [
        {
          blocker: { code, id: blocker.id, key: blocker.key },
          blocked: { code: story.code, id: blocked.id, key: blocked.key },
          clientId: storyLinkClientId(runId, epicId, code, story.code),
        },
      ];
    }),
  );
  let linksUnavailable: string | null = null;
  if (links.length > 0) {
    const result = await tracker.linkBlocks(links);
    failures.push(...result.failed);
    linksUnavailable = result.unavailable ?? null;
  }

  const stories = proposal.stories.flatMap((story) => {
    const item = written.get(story.code);
    return item ? [item] : [];
  });
  deps.logger.debug({ runId, epic: epic.key, written: stories.length, deleted: deletedKeys.length }, "stories write-back done");
  return { stories, deletedKeys, failures, linksUnavailable };
}

/** The note left on the epic once its stories exist. */
export function epicComment(input: { readonly runId: string; readonly stories: readonly WrittenStory[]; readonly deletedKeys: readonly string[]; readonly threadUrl?: string | undefined }): string {
  const count = input.stories.length;
  const lines = [`**subtasks-bot** created ${count} stor${count === 1 ? "y" : "ies"} (run \`${input.runId}\`):`, ""];
  for (const story of input.stories) lines.push(`- [${story.key}](${story.url}) ${story.code} · ${story.title}`);
  if (input.deletedKeys.length > 0) {
    lines.push("", `Replaced ${input.deletedKeys.length} earlier stor${input.deletedKeys.length === 1 ? "y" : "ies"} nobody had touched: ${input.deletedKeys.join(", ")}.`);
  }
  if (input.threadUrl) lines.push("", `[Discussion in Slack](${input.threadUrl})`);
  return lines.join("\n");
}
