// The contract harness for FakeTracker: the world is the fake's own maps.

import type { TrackerName } from "../../../src/trackers/types.ts";
import { FakeTracker, type FakeChild, type FakeStory } from "../fake-tracker.ts";
import type { EpicSeed, HarnessFactory, SeededEpic, SeededStory, StorySeed, TrackerHarness } from "./harness.ts";

const PROJECT_KEYS: Record<TrackerName, string> = { linear: "ENG", jira: "PROJ" };
/** As the played worlds: the Linear team estimates in T-shirt sizes; the Jira site has no story points field. */
const POINT_SCALES: Record<TrackerName, number[] | null> = { linear: [1, 2, 3, 5, 8], jira: null };
/** A Jira Story screen with a story points field (jira/story-fields.ts). */
const JIRA_STORY_POINTS = [1, 2, 3, 5, 8, 13];

interface World {
  readonly blocksLinkType?: boolean;
  readonly pointScale: number[] | null;
  readonly criteriaField?: boolean;
}

export function fakeHarness(flavour: TrackerName): HarnessFactory {
  return {
    label: `FakeTracker as ${flavour === "linear" ? "Linear" : "Jira"}`,
    createsOncePerClientId: flavour === "linear",
    epicProjects: flavour === "linear",
    create: () => createFakeHarness(flavour, { pointScale: POINT_SCALES[flavour] }),
    ...(flavour === "jira"
      ? {
          createWithoutBlocksLinkType: () => createFakeHarness(flavour, { blocksLinkType: false, pointScale: null }),
          createWithStoryFields: () => createFakeHarness(flavour, { pointScale: JIRA_STORY_POINTS, criteriaField: true }),
        }
      : {}),
  };
}

function createFakeHarness(flavour: TrackerName, world: World): TrackerHarness {
  const tracker = new FakeTracker({ name: flavour, criteriaField: world.criteriaField ?? false });
  tracker.blocksLinkType = world.blocksLinkType ?? true;
  const project = PROJECT_KEYS[flavour];
  let next = 1;
  const newKey = () => `${project}-${next++}`;

  /** A sub-issue, or a story (the bot makes both). */
  function child(key: string): FakeChild | FakeStory {
    const story = tracker.stories.get(key);
    if (story) return story;
    for (const parent of tracker.stories.values()) {
      const found = parent.children.find((candidate) => candidate.key === key);
      if (found) return found;
    }
    throw new Error(`no sub-issue ${key}`);
  }

  function seedEpic(title: string, stories: readonly StorySeed[], epic: EpicSeed = {}, kind: "issue" | "project" = "issue"): SeededEpic {
    const key = newKey();
    const storyKeys = stories.map((seed) => seedStory(seed).key);
    tracker.addEpic(key, storyKeys, {
      title,
      kind,
      description: epic.description ?? "",
      closed: epic.closed ?? false,
      pointScale: world.pointScale,
    });
    return { key, storyKeys };
  }

  function seedStory(seed: StorySeed): SeededStory {
    const key = newKey();
    const personChildren = (seed.personSubIssues ?? []).map((title): FakeChild => {
      const childKey = newKey();
      return { id: `id-${childKey}`, key: childKey, title, state: "Todo", marker: null, touched: false };
    });
    tracker.addStory(key, {
      title: seed.title,
      description: seed.description,
      labels: [...(seed.labels ?? [])],
      closed: seed.closed ?? false,
      children: personChildren,
    });
    return { key, personSubIssueKeys: personChildren.map((personChild) => personChild.key) };
  }

  return {
    tracker,
    pointScale: world.pointScale,
    unknownKey: `${project}-9999`,
    seedStory,
    seedEpic: (title, stories, epic) => seedEpic(title, stories, epic),
    ...(flavour === "linear" ? { seedProject: (title: string, stories: readonly StorySeed[], epic?: EpicSeed) => seedEpic(title, stories, epic, "project") } : {}),
    person: {
      moveOn(key) {
        Object.assign(child(key), { state: "In Progress", touched: true });
      },
      assign(key) {
        child(key).touched = true;
      },
      edit(key) {
        child(key).touched = true;
      },
    },
    subIssueKeysOf: (storyKey) => tracker.stories.get(storyKey)?.children.map((subIssue) => subIssue.key) ?? [],
    labelsOf: (key) => [...(tracker.stories.get(key)?.labels ?? [])],
    commentsOn: (key) => [...(tracker.stories.get(key)?.comments ?? [])],
    blocksLinks() {
      const keys = new Map([...tracker.stories.values()].flatMap((story) => story.children).map((subIssue) => [subIssue.id, subIssue.key]));
      return tracker.links.map((link) => `${keys.get(link.blockerId) ?? link.blockerId} blocks ${keys.get(link.blockedId) ?? link.blockedId}`).sort();
    },
    unexpected: () => [],
    stop: () => undefined,
  };
}
