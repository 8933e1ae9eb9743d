// The contract harness for FakeTracker: the world is the fake's own maps.

import type { TrackerName } from "../../../src/trackers/types.ts";
import { FakeTracker, type FakeChild } from "../fake-tracker.ts";
import type { HarnessFactory, SeededStory, StorySeed, TrackerHarness } from "./harness.ts";

const PROJECT_KEYS: Record<TrackerName, string> = { linear: "ENG", jira: "PROJ" };

export function fakeHarness(flavour: TrackerName): HarnessFactory {
  return {
    label: `FakeTracker as ${flavour === "linear" ? "Linear" : "Jira"}`,
    createsOncePerClientId: flavour === "linear",
    create: () => createFakeHarness(flavour),
    ...(flavour === "jira" ? { createWithoutBlocksLinkType: () => createFakeHarness(flavour, false) } : {}),
  };
}

function createFakeHarness(flavour: TrackerName, blocksLinkType = true): TrackerHarness {
  const tracker = new FakeTracker({ name: flavour });
  tracker.blocksLinkType = blocksLinkType;
  const project = PROJECT_KEYS[flavour];
  let next = 1;
  const newKey = () => `${project}-${next++}`;

  function child(key: string): FakeChild {
    for (const story of tracker.stories.values()) {
      const found = story.children.find((candidate) => candidate.key === key);
      if (found) return found;
    }
    throw new Error(`no sub-issue ${key}`);
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
    unknownKey: `${project}-9999`,
    seedStory,
    seedEpic(title, stories) {
      const key = newKey();
      const storyKeys = stories.map((seed) => seedStory(seed).key);
      tracker.addEpic(key, storyKeys, title);
      return { key, storyKeys };
    },
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
