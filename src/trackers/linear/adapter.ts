// The Tracker port on Linear, through @linear/sdk's raw GraphQL client.

import { randomUUID } from "node:crypto";
import { LinearClient } from "@linear/sdk";
import type { CallBudget } from "../../budget/call-budget.ts";
import type { LinearConfig } from "./config.ts";
import type { Logger } from "../../log/logger.ts";
import { expandLimit } from "../support/expand-limit.ts";
import { sleep, type Sleep } from "../../async/sleep.ts";
import type { Tracker, TrackerItemSummary, TrackerStory } from "../types.ts";
import { createLinearStories } from "./create-stories.ts";
import { createLinearSubtasks } from "./create-subtasks.ts";
import { deleteLinearSubtasks } from "./delete-subtasks.ts";
import { expandLinear } from "./expand.ts";
import { createLinearCall } from "./graphql.ts";
import { linkLinearBlocks } from "./link-blocks.ts";
import { addLabelMutation, createCommentMutation, removeLabelMutation, teamsQuery, userTeamsQuery } from "./queries.ts";
import { readLinearEpic } from "./read-epic.ts";
import { readLinearStory } from "./read-story.ts";
import { readLinearStories, STORIES_PER_REQUEST } from "./read-stories.ts";
import { addLabelAnswer, createCommentAnswer, removeLabelAnswer, teamsAnswer, userTeamsAnswer } from "./schemas.ts";
import { createTeamSetups } from "./team-setup.ts";
import { TRACKER_REQUEST_TIMEOUT_MS } from "../support/request-timeout.ts";

export interface LinearTrackerDeps {
  readonly config: LinearConfig;
  readonly logger: Logger;
  readonly sleep?: Sleep;
  readonly now?: () => number;
  /** Per request; default TRACKER_REQUEST_TIMEOUT_MS. */
  readonly requestTimeoutMs?: number;
  /** The workspace's requests in flight and pace, shared by every process; unset: not limited. */
  readonly budget?: CallBudget;
}

export function createLinearTracker(deps: LinearTrackerDeps): Tracker {
  const logger = deps.logger.child({ tracker: "linear" });
  const now = deps.now ?? Date.now;
  // A personal API key goes in the Authorization header as is; the SDK does that for `apiKey`.
  const client = new LinearClient({ apiKey: deps.config.apiKey, apiUrl: deps.config.apiUrl });
  const call = createLinearCall({
    client,
    logger,
    sleep: deps.sleep ?? sleep,
    now,
    requestTimeoutMs: deps.requestTimeoutMs ?? TRACKER_REQUEST_TIMEOUT_MS,
    budget: deps.budget,
  });
  const teams = createTeamSetups({ call, now });

  async function labelIdFor(story: TrackerItemSummary, name: string, create: boolean): Promise<string | null> {
    const team = "team" in story ? (story as TrackerStory).team : undefined;
    return team
      ? teams.labelId(team.id, name, { create })
      : teams.labelIdForIssue(story.id, story.key, name, { create });
  }

  return {
    name: "linear",

    getStory: (ref) => readLinearStory({ call, teams }, ref),

    readStories: (items) => readLinearStories({ call }, items),
    storiesPerRead: STORIES_PER_REQUEST,

    async listTeams() {
      const answer = await call(teamsQuery, {}, teamsAnswer, { action: "list the teams" });
      return answer.teams.nodes.map((team) => ({ key: team.key, name: team.name })).sort((a, b) => a.key.localeCompare(b.key));
    },

    // A member of the story's team can open it; Linear has no per-issue permissions.
    async canUserOpen(email, item) {
      const answer = await call(userTeamsQuery, { email }, userTeamsAnswer, { action: "look up a user's teams" });
      const [user, other] = answer.users.nodes;
      if (!user || other || !user.active) return false;
      return user.teams.nodes.some((team) => team.key.toUpperCase() === item.team.toUpperCase());
    },

    expand: (ref, options) => expandLinear({ call }, ref, expandLimit(options?.limit)),

    createSubtasks: (story, subtasks) => createLinearSubtasks({ call, teams, logger }, story, subtasks),

    readEpic: (ref) => readLinearEpic({ call, teams }, ref),

    createStories: (epic, stories) => createLinearStories({ call, teams, logger }, epic, stories),

    deleteSubtasks: (ids) => deleteLinearSubtasks({ call }, ids),

    linkBlocks: (links) => linkLinearBlocks({ call }, links),

    async comment(story, markdown) {
      // A comment id of our own makes the retries of this one call safe: Linear refuses a second comment with the same id.
      await call(
        createCommentMutation,
        { input: { id: randomUUID(), issueId: story.id, body: markdown } },
        createCommentAnswer,
        { action: `comment on ${story.key}`, notFoundKey: story.key },
      );
    },

    async addLabel(story, label) {
      const labelId = await labelIdFor(story, label, true);
      if (!labelId) return;
      await call(addLabelMutation, { id: story.id, labelId }, addLabelAnswer, {
        action: `add the label "${label}" to ${story.key}`,
        notFoundKey: story.key,
      });
    },

    async removeLabel(story, label) {
      const labelId = await labelIdFor(story, label, false);
      // No such label in the team: the story cannot carry it.
      if (!labelId) return;
      await call(removeLabelMutation, { id: story.id, labelId }, removeLabelAnswer, {
        action: `remove the label "${label}" from ${story.key}`,
        notFoundKey: story.key,
      });
    },
  };
}
