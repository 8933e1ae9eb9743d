// The contract harness for the Linear adapter: createLinearTracker talking GraphQL to the
// in-memory Linear workspace behind nock (test/support/linear-workspace.ts).

import { randomUUID } from "node:crypto";
import { createLinearTracker } from "../../../src/trackers/linear/adapter.ts";
import { LINEAR_API_URL } from "../../unit/trackers/support/linear-api.ts";
import { LinearWorkspace } from "../linear-workspace.ts";
import { silentLogger } from "../logger.ts";
import type { HarnessFactory, SeededStory, StorySeed, TrackerHarness } from "./harness.ts";

export const linearHarness: HarnessFactory = {
  label: "the Linear adapter on a played Linear workspace",
  createsOncePerClientId: true,
  epicProjects: true,
  create: createLinearHarness,
};

function createLinearHarness(): TrackerHarness {
  const workspace = new LinearWorkspace();
  const tracker = createLinearTracker({
    config: { apiKey: "lin_api_contract_key", apiUrl: LINEAR_API_URL, webhookSecret: undefined },
    logger: silentLogger,
    sleep: async () => undefined,
  });
  let next = 1;

  function seedStory(seed: StorySeed, parentId: string | null = null, projectId: string | null = null): SeededStory {
    const story = workspace.addIssue(`ENG-${next++}`, {
      title: seed.title,
      description: seed.description,
      labels: [...(seed.labels ?? [])],
      stateType: seed.closed ? "completed" : "unstarted",
      parentId,
      projectId,
    });
    const personSubIssueKeys = (seed.personSubIssues ?? []).map(
      (title) => workspace.addIssue(`ENG-${next++}`, { title, description: "Ask Dana.", parentId: story.id }).identifier,
    );
    return { key: story.identifier, personSubIssueKeys };
  }

  return {
    tracker,
    // The workspace's team estimates in T-shirt sizes, which Linear stores as 1 2 3 5 8.
    pointScale: [1, 2, 3, 5, 8],
    unknownKey: "ENG-9999",
    seedStory: (seed) => seedStory(seed),
    seedEpic(title, stories, seed = {}) {
      // Linear has no epic type; the adapter takes an issue labelled "Epic" as one (read-story.ts).
      const epic = workspace.addIssue(`ENG-${next++}`, {
        title,
        description: seed.description ?? "",
        labels: ["Epic"],
        stateType: seed.closed ? "completed" : "unstarted",
      });
      return { key: epic.identifier, storyKeys: stories.map((story) => seedStory(story, epic.id).key) };
    },
    seedProject(title, stories, seed = {}) {
      const project = workspace.addProject(title, { description: seed.description ?? "", statusType: seed.closed ? "completed" : "started" });
      return { key: project.slugId, storyKeys: stories.map((story) => seedStory(story, null, project.id).key) };
    },
    person: {
      moveOn(key) {
        workspace.byKey(key).stateType = "started";
      },
      assign(key) {
        workspace.byKey(key).assigneeId = randomUUID();
      },
      edit(key) {
        const issue = workspace.byKey(key);
        issue.description = `Also cover partial refunds.\n\n${issue.description}`;
      },
    },
    subIssueKeysOf: (storyKey) => workspace.childrenOf(storyKey).map((issue) => issue.identifier),
    labelsOf: (key) => [...workspace.byKey(key).labels],
    commentsOn: (key) => [...workspace.byKey(key).comments],
    blocksLinks: () =>
      [...workspace.relations.values()]
        .filter((relation) => relation.type === "blocks")
        .map((relation) => `${workspace.identifierOf(relation.issueId)} blocks ${workspace.identifierOf(relation.relatedIssueId)}`)
        .sort(),
    unexpected: () => [...workspace.unanswered],
    stop: () => workspace.stop(),
  };
}
