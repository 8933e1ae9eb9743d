// What the tracker contract (test/contract/tracker.contract.test.ts) needs from each
// implementation of the Tracker port: a way to set up the tracker's world, the port itself, and a
// way to see what the tracker holds afterwards without going through the port.

import type { Tracker } from "../../../src/trackers/types.ts";

export interface StorySeed {
  readonly title: string;
  /** Plain paragraphs separated by blank lines, so it reads back the same from every tracker. */
  readonly description: string;
  readonly labels?: readonly string[];
  /** Done: the tracker's closed state. */
  readonly closed?: boolean;
  /** Titles of sub-issues a person made. */
  readonly personSubIssues?: readonly string[];
}

export interface SeededStory {
  readonly key: string;
  readonly personSubIssueKeys: readonly string[];
}

export interface EpicSeed {
  /** Plain paragraphs, as StorySeed.description. */
  readonly description?: string;
  /** Done: the tracker's closed state. */
  readonly closed?: boolean;
}

export interface SeededEpic {
  readonly key: string;
  readonly storyKeys: readonly string[];
}

/** What people do to a sub-issue after the bot made it. */
export interface PersonActs {
  /** Moves it on from the state the bot created it in (starts work on it). */
  moveOn(key: string): void;
  assign(key: string): void;
  /** Rewrites part of its description. */
  edit(key: string): void;
}

export interface TrackerHarness {
  readonly tracker: Tracker;
  /** The story points the world's team estimates with, as TrackerEpic.pointScale should give them. */
  readonly pointScale: readonly number[] | null;
  /** A key of the tracker's shape that no issue has. */
  readonly unknownKey: string;
  seedStory(seed: StorySeed): SeededStory;
  seedEpic(title: string, stories: readonly StorySeed[], epic?: EpicSeed): SeededEpic;
  /**
   * Where a project can be an epic (Linear): a project of the team with these top-level issues.
   * Its key is the project's slug id, as a pasted project link gives it.
   */
  readonly seedProject?: (title: string, stories: readonly StorySeed[], project?: EpicSeed) => SeededEpic;
  readonly person: PersonActs;
  /** Keys of the sub-issues under a story, as the tracker holds them. */
  subIssueKeysOf(storyKey: string): string[];
  labelsOf(key: string): string[];
  /** Comments on an issue, as markdown. */
  commentsOn(key: string): string[];
  /**
   * Every "blocks" link the tracker holds, as its issue view reads it: "ENG-5 blocks ENG-6",
   * sorted. A link to or from a deleted issue still shows here if the tracker kept it.
   */
  blocksLinks(): string[];
  /** Requests the world could not answer: a harness that gets one is out of step with its adapter. */
  unexpected(): string[];
  stop(): void;
}

export interface HarnessFactory {
  /** Names the implementation in test names: "the Linear adapter on a played Linear workspace". */
  readonly label: string;
  /**
   * Whether a repeated create with the same client ids finds the sub-issues made the first time
   * (Linear takes IssueCreateInput.id). Where it cannot (Jira), the run layer matches by marker.
   */
  readonly createsOncePerClientId: boolean;
  create(): TrackerHarness;
  /** Whether a project can be an epic (Linear): the harnesses it makes have seedProject. */
  readonly epicProjects: boolean;
  /**
   * Where a site can keep acceptance criteria and story points in fields of their own (Jira): a
   * world whose Story create screen has an "Acceptance Criteria" field and a story points field.
   */
  readonly createWithStoryFields?: () => TrackerHarness;
  /** Where a site can lack the "Blocks" link type (Jira): a world without it. */
  readonly createWithoutBlocksLinkType?: () => TrackerHarness;
}
