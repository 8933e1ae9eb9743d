// Reads a Linear epic for a stories run: a project (its top-level issues are its stories, its
// first team is where new ones go) or an epic-like issue (labelled Epic, or with sub-issues that
// have their own; its sub-issues are its stories). One query reads the epic, its first 50 stories,
// its team's estimate settings and the bot's story label; one more reads the siblings of an issue
// epic (a project's come with it), and one per further 50 stories, up to 100.

import { NotAnEpic, TrackerResponseInvalid } from "../errors.ts";
import { BOT_STORY_LABEL } from "../marker.ts";
import type { EpicStory, TrackerEpic, TrackerRef } from "../types.ts";
import { linearPointScale } from "./estimate.ts";
import type { LinearCall } from "./graphql.ts";
import { linearIdentity } from "./identity.ts";
import { epicIssueQuery, epicProjectQuery, projectStoriesQuery, storyChildrenQuery, teamEpicsQuery } from "./queries.ts";
import { CLOSED_STATE_TYPES, isLinearEpic, toTrackerChild } from "./read-story.ts";
import {
  epicIssueAnswer,
  epicProjectAnswer,
  projectStoriesAnswer,
  storyChildrenAnswer,
  teamEpicsAnswer,
  type LinearChild,
} from "./schemas.ts";
import type { TeamSetups } from "./team-setup.ts";

/** TrackerEpic.stories: at most this many. */
export const EPIC_STORY_LIMIT = 100;
/** TrackerEpic.siblings: at most this many. */
export const EPIC_SIBLING_LIMIT = 30;
const CLOSED_PROJECT_STATUS_TYPES = new Set(["completed", "canceled"]);

interface Deps {
  readonly call: LinearCall;
  readonly teams: TeamSetups;
}

interface Connection {
  readonly nodes: readonly LinearChild[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor?: string | null | undefined };
}

export function readLinearEpic(deps: Deps, ref: TrackerRef): Promise<TrackerEpic> {
  return ref.kind === "project" ? readProject(deps, ref) : readIssue(deps, ref);
}

async function readIssue(deps: Deps, ref: TrackerRef): Promise<TrackerEpic> {
  const answer = await deps.call(epicIssueQuery, { id: ref.key, labelName: BOT_STORY_LABEL }, epicIssueAnswer, {
    action: `read the epic ${ref.key}`,
    notFoundKey: ref.key,
  });
  const { issue } = answer;
  if (!isLinearEpic(issue.labels.nodes.map((label) => label.name), issue.children.nodes)) {
    throw new NotAnEpic(linearIdentity, issue.identifier);
  }
  deps.teams.remember(issue.team, answer.issueLabels.nodes, BOT_STORY_LABEL);
  const children = await allStories(issue.children, (after) =>
    deps
      .call(storyChildrenQuery, { id: issue.id, after }, storyChildrenAnswer, {
        action: `read the stories of ${issue.identifier}`,
        notFoundKey: issue.identifier,
      })
      .then((more) => more.issue.children),
  );
  const others = await deps.call(teamEpicsQuery, { teamId: issue.team.id, first: EPIC_SIBLING_LIMIT + 1 }, teamEpicsAnswer, {
    action: `list the epics of the team ${issue.team.key}`,
  });
  return {
    tracker: "linear",
    kind: "issue",
    id: issue.id,
    key: issue.identifier,
    title: issue.title,
    url: issue.url,
    description: issue.description ?? "",
    team: { id: issue.team.id, key: issue.team.key, name: issue.team.name },
    stories: children.map(toEpicStory),
    siblings: others.issues.nodes
      .filter((other) => other.id !== issue.id)
      .slice(0, EPIC_SIBLING_LIMIT)
      .map((other) => ({ key: other.identifier, title: other.title })),
    pointScale: linearPointScale(issue.team),
    closed: CLOSED_STATE_TYPES.has(issue.state.type),
  };
}

async function readProject(deps: Deps, ref: TrackerRef): Promise<TrackerEpic> {
  const answer = await deps.call(
    epicProjectQuery,
    { id: ref.key, labelName: BOT_STORY_LABEL, siblings: EPIC_SIBLING_LIMIT + 1 },
    epicProjectAnswer,
    { action: `read the project ${ref.key}`, notFoundKey: ref.key, notFoundKind: "project" },
  );
  const { project } = answer;
  const team = project.teams.nodes[0];
  // Linear has every project in at least one team.
  if (!team) throw new TrackerResponseInvalid(linearIdentity, `EpicProject (a project without a team: ${ref.key})`);
  deps.teams.remember(team, answer.issueLabels.nodes, BOT_STORY_LABEL);
  const issues = await allStories(project.issues, (after) =>
    deps
      .call(projectStoriesQuery, { id: project.id, after }, projectStoriesAnswer, {
        action: `read the stories of the project ${project.name}`,
        notFoundKey: ref.key,
        notFoundKind: "project",
      })
      .then((more) => more.project.issues),
  );
  // An initiative groups the projects that share a goal: those are the boundaries that matter;
  // without one, the team's other projects.
  const siblings = project.initiatives.nodes[0]?.projects ?? team.projects;
  return {
    tracker: "linear",
    kind: "project",
    id: project.id,
    key: project.slugId,
    title: project.name,
    url: project.url,
    // The short description, then the project's document.
    description: [project.description, project.content].filter((text): text is string => Boolean(text?.trim())).join("\n\n"),
    team: { id: team.id, key: team.key, name: team.name },
    stories: issues.map(toEpicStory),
    siblings: siblings.nodes
      .filter((other) => other.id !== project.id)
      .slice(0, EPIC_SIBLING_LIMIT)
      .map((other) => ({ key: other.slugId, title: other.name })),
    pointScale: linearPointScale(team),
    closed: CLOSED_PROJECT_STATUS_TYPES.has(project.status.type),
  };
}

/** The first page and the next ones, up to EPIC_STORY_LIMIT stories. */
async function allStories(first: Connection, next: (after: string) => Promise<Connection>): Promise<LinearChild[]> {
  const stories = [...first.nodes];
  let page = first.pageInfo;
  while (stories.length < EPIC_STORY_LIMIT && page.hasNextPage && page.endCursor) {
    const more = await next(page.endCursor);
    stories.push(...more.nodes);
    page = more.pageInfo;
  }
  return stories.slice(0, EPIC_STORY_LIMIT);
}

function toEpicStory(story: LinearChild): EpicStory {
  const child = toTrackerChild(story);
  // Sub-issues under a bot story mean work has started on it: a regeneration must keep it.
  const workStarted = story.children.nodes.length > 0;
  return {
    ...child,
    touchedByPerson: child.touchedByPerson || workStarted,
    description: story.description ?? "",
  };
}
