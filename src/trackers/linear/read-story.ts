// Reads one Linear issue as a TrackerStory: one Story query (plus one StoryChildren query per
// further 50 sub-issues, rare). Linear has no acceptance-criteria field: the generation engine
// reads them from the description.

import { BadReference } from "../errors.ts";
import { BOT_LABEL, inspectChild } from "../marker.ts";
import type { TrackerChild, TrackerRef, TrackerStory } from "../types.ts";
import type { LinearCall } from "./graphql.ts";
import { storyChildrenQuery, storyQuery } from "./queries.ts";
import { storyAnswer, storyChildrenAnswer, type LinearChild, type StoriesAnswer } from "./schemas.ts";
import type { TeamSetups } from "./team-setup.ts";

/** State types a sub-issue is created in; anything past them means a person moved it on. */
const INITIAL_STATE_TYPES = new Set(["backlog", "unstarted", "triage"]);
export const CLOSED_STATE_TYPES = new Set(["completed", "canceled", "duplicate"]);

export async function readLinearStory(
  deps: { readonly call: LinearCall; readonly teams: TeamSetups },
  ref: TrackerRef,
): Promise<TrackerStory> {
  if (ref.kind === "project") {
    throw new BadReference(`That link is a Linear project, not a story. Ask for the project to take each of its issues.`);
  }
  const answer = await deps.call(storyQuery, { id: ref.key, labelName: BOT_LABEL }, storyAnswer, {
    action: `read ${ref.key}`,
    notFoundKey: ref.key,
  });
  const issue = answer.issue;
  deps.teams.remember(issue.team, answer.issueLabels.nodes);

  const children = [...issue.children.nodes];
  let page = issue.children.pageInfo;
  while (page.hasNextPage && page.endCursor) {
    const more = await deps.call(storyChildrenQuery, { id: issue.id, after: page.endCursor }, storyChildrenAnswer, {
      action: `read the sub-issues of ${issue.identifier}`,
      notFoundKey: issue.identifier,
    });
    children.push(...more.issue.children.nodes);
    page = more.issue.children.pageInfo;
  }

  return toTrackerStory(issue, children);
}

/** A Linear issue, as a Story or Stories query reads it, with all its sub-issues. */
export function toTrackerStory(issue: StoriesAnswer["issues"]["nodes"][number], children: readonly LinearChild[]): TrackerStory {
  const labels = issue.labels.nodes.map((label) => label.name);
  return {
    tracker: "linear",
    id: issue.id,
    key: issue.identifier,
    title: issue.title,
    url: issue.url,
    description: issue.description ?? "",
    acceptanceCriteria: [],
    labels,
    estimate: issue.estimate ?? null,
    parent: issue.parent
      ? { id: issue.parent.id, key: issue.parent.identifier, title: issue.parent.title, url: issue.parent.url }
      : null,
    children: children.map(toTrackerChild),
    team: { id: issue.team.id, key: issue.team.key, name: issue.team.name },
    closed: CLOSED_STATE_TYPES.has(issue.state.type),
    isEpic: isLinearEpic(labels, children),
  };
}

export function toTrackerChild(child: LinearChild): TrackerChild {
  const verdict = inspectChild({
    title: child.title,
    description: child.description ?? null,
    labels: child.labels.nodes.map((label) => label.name),
    stateMovedOn: !INITIAL_STATE_TYPES.has(child.state.type),
    assigned: Boolean(child.assignee),
  });
  return { id: child.id, key: child.identifier, title: child.title, url: child.url, state: child.state.name, ...verdict };
}

/**
 * Linear has no epic type. An issue counts as one when its sub-issues are stories themselves,
 * which shows as sub-issues that have sub-issues of their own, or when a team labels it "Epic".
 * Sub-issues without children are taken as a story's tasks (a person's or the bot's), so a story
 * someone already split by hand is not mistaken for an epic.
 */
export function isLinearEpic(labels: readonly string[], children: readonly { children: { nodes: readonly unknown[] } }[]): boolean {
  return labels.some((label) => label.toLowerCase() === "epic") || children.some((child) => child.children.nodes.length > 0);
}
