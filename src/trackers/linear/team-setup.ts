// What creating sub-issues in a Linear team needs, looked up once and kept for a while: the
// state new sub-issues start in, the team's estimate scale, and the ids of labels by name
// (the bot's own labels are created the first time a team needs them).

import { TrackerRequestRejected } from "../errors.ts";
import { BOT_LABEL, BOT_STORY_LABEL } from "../marker.ts";
import type { LinearCall } from "./graphql.ts";
import { createLabelMutation, labelLookupQuery, teamContextQuery } from "./queries.ts";
import {
  createLabelAnswer,
  labelLookupAnswer,
  teamContextAnswer,
  type LinearLabel,
  type TeamContext,
} from "./schemas.ts";

/** Team settings change rarely; re-read them now and then so a changed default state is seen. */
export const TEAM_SETUP_TTL_MS = 10 * 60_000;

export interface TeamSetup {
  readonly teamId: string;
  /** The team's default state if it is a backlog/unstarted one, else its first backlog state, else its first unstarted state. */
  readonly stateId: string | null;
  readonly estimationType: string;
}

export interface TeamSetups {
  /**
   * Keeps what a read already brought (team context, and the labels named `labelName`, by
   * default the bot's own), saving requests later.
   */
  remember(team: TeamContext, labels: readonly LinearLabel[], labelName?: string): void;
  setup(teamId: string): Promise<TeamSetup>;
  /** The id of a label usable in the team; created when `create` and missing; null when missing otherwise. */
  labelId(teamId: string, name: string, options: { create: boolean }): Promise<string | null>;
  /** Like labelId, for an issue whose team is not known yet (one request finds both). */
  labelIdForIssue(issueId: string, issueKey: string, name: string, options: { create: boolean }): Promise<string | null>;
}

interface Timed<T> {
  readonly value: T;
  readonly at: number;
}

export function createTeamSetups(deps: { readonly call: LinearCall; readonly now: () => number }): TeamSetups {
  const setups = new Map<string, Timed<TeamSetup>>();
  const labels = new Map<string, Timed<string>>();
  /** Labels a read looked for in a team: when not among `labels`, the team has none such. */
  const lookedFor = new Map<string, Timed<true>>();
  const fresh = <T>(entry: Timed<T> | undefined): T | undefined =>
    entry && deps.now() - entry.at < TEAM_SETUP_TTL_MS ? entry.value : undefined;
  const labelKey = (teamId: string, name: string) => `${teamId}\u0000${name.toLowerCase()}`;
  /** Lookups in flight: stories of one team that start together share one request. */
  const inFlight = new Map<string, Promise<unknown>>();
  function once<T>(key: string, lookup: () => Promise<T>): Promise<T> {
    const pending = inFlight.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const started = lookup().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  }

  function rememberLabels(teamId: string, name: string, found: readonly LinearLabel[]): string | null {
    const label = pickLabel(found, name, teamId);
    if (label) labels.set(labelKey(teamId, name), { value: label.id, at: deps.now() });
    return label?.id ?? null;
  }

  async function createLabel(teamId: string, name: string): Promise<string> {
    try {
      const answer = await deps.call(
        createLabelMutation,
        // A team label: creating one needs no workspace-admin rights, and it is what the team sees.
        { input: { name, teamId, ...(LABEL_DESCRIPTIONS[name] ? { description: LABEL_DESCRIPTIONS[name] } : {}) } },
        createLabelAnswer,
        { action: `create the label "${name}"`, retryOn: "rate-limit" },
      );
      labels.set(labelKey(teamId, name), { value: answer.issueLabelCreate.issueLabel.id, at: deps.now() });
      return answer.issueLabelCreate.issueLabel.id;
    } catch (error) {
      // Another run may have created it a moment ago (a duplicate name is refused): look again once.
      if (!(error instanceof TrackerRequestRejected)) throw error;
      const again = await deps.call(teamContextQuery, { teamId, labelName: name }, teamContextAnswer, {
        action: `find the label "${name}"`,
      });
      const found = rememberLabels(teamId, name, again.issueLabels.nodes);
      if (found) return found;
      throw error;
    }
  }

  const setupsApi: TeamSetups = {
    remember(team, found, labelName = BOT_LABEL) {
      setups.set(team.id, { value: toSetup(team), at: deps.now() });
      lookedFor.set(labelKey(team.id, labelName), { value: true, at: deps.now() });
      rememberLabels(team.id, labelName, found);
    },

    async setup(teamId) {
      const cached = fresh(setups.get(teamId));
      if (cached) return cached;
      return once(`setup\u0000${teamId}`, async () => {
        const answer = await deps.call(teamContextQuery, { teamId, labelName: BOT_LABEL }, teamContextAnswer, {
          action: "read the team's settings",
        });
        setupsApi.remember(answer.team, answer.issueLabels.nodes);
        return toSetup(answer.team);
      });
    },

    async labelId(teamId, name, options) {
      const cached = fresh(labels.get(labelKey(teamId, name)));
      if (cached) return cached;
      if (fresh(lookedFor.get(labelKey(teamId, name)))) {
        // A read looked for this label a moment ago; it is missing, so create it.
        return options.create ? createLabel(teamId, name) : null;
      }
      return once(`label\u0000${options.create}\u0000${labelKey(teamId, name)}`, async () => {
        const answer = await deps.call(teamContextQuery, { teamId, labelName: name }, teamContextAnswer, {
          action: `find the label "${name}"`,
        });
        setups.set(teamId, { value: toSetup(answer.team), at: deps.now() });
        return rememberLabels(teamId, name, answer.issueLabels.nodes) ?? (options.create ? createLabel(teamId, name) : null);
      });
    },

    async labelIdForIssue(issueId, issueKey, name, options) {
      const answer = await deps.call(labelLookupQuery, { issueId, labelName: name }, labelLookupAnswer, {
        action: `find the label "${name}" for ${issueKey}`,
        notFoundKey: issueKey,
      });
      const teamId = answer.issue.team.id;
      return rememberLabels(teamId, name, answer.issueLabels.nodes) ?? (options.create ? createLabel(teamId, name) : null);
    },
  };
  return setupsApi;
}

/** What the bot's own labels say in Linear's label list. */
const LABEL_DESCRIPTIONS: Record<string, string> = {
  [BOT_LABEL]: "Sub-issues created by subtasks-bot",
  [BOT_STORY_LABEL]: "Stories created by subtasks-bot",
};

/** A label the team can use: its own before a workspace one; never a group (groups cannot be applied). */
export function pickLabel(found: readonly LinearLabel[], name: string, teamId: string): LinearLabel | null {
  const usable = found.filter((label) => label.name.toLowerCase() === name.toLowerCase() && !label.isGroup);
  return usable.find((label) => label.team?.id === teamId) ?? usable.find((label) => !label.team) ?? null;
}

function toSetup(team: TeamContext): TeamSetup {
  const initial = new Set(["backlog", "unstarted"]);
  const byPosition = [...team.states.nodes].sort((a, b) => a.position - b.position);
  const state =
    (team.defaultIssueState && initial.has(team.defaultIssueState.type) ? team.defaultIssueState : undefined) ??
    byPosition.find((candidate) => candidate.type === "backlog") ??
    byPosition.find((candidate) => candidate.type === "unstarted");
  return { teamId: team.id, stateId: state?.id ?? null, estimationType: team.issueEstimationType };
}
