// The contract harness for the Jira adapter: createJiraTracker talking REST v3 to the in-memory
// Jira site behind nock (test/support/jira-site.ts).

import { adfToMarkdown } from "../../../src/trackers/jira/adf-to-markdown.ts";
import { createJiraTracker } from "../../../src/trackers/jira/adapter.ts";
import { JIRA_DEFAULT_POINT_SCALE } from "../../../src/trackers/jira/story-fields.ts";
import { JIRA_BASE_URL } from "../../unit/trackers/support/jira-api.ts";
import { fixture } from "../../unit/trackers/support/fixtures.ts";
import { adfParagraphs, JiraSite } from "../jira-site.ts";
import { silentLogger } from "../logger.ts";
import type { HarnessFactory, SeededStory, StorySeed, TrackerHarness } from "./harness.ts";

export const jiraHarness: HarnessFactory = {
  label: "the Jira adapter on a played Jira site",
  createsOncePerClientId: false,
  epicProjects: false,
  create: () => createJiraHarness(),
  createWithoutBlocksLinkType: () => createJiraHarness({ withoutBlocks: true }),
  createWithStoryFields: () => createJiraHarness({ storyFields: true }),
};

function createJiraHarness(options: { withoutBlocks?: boolean; storyFields?: boolean } = {}): TrackerHarness {
  const linkTypes = fixture("jira/issue-link-types.json").issueLinkTypes as { id: string; name: string; inward: string; outward: string }[];
  const site = new JiraSite({
    ...(options.withoutBlocks ? { linkTypes: linkTypes.filter((type) => type.name !== "Blocks") } : {}),
    storyFields: options.storyFields ?? false,
  });
  const tracker = createJiraTracker({
    config: { baseUrl: JIRA_BASE_URL, email: "bot@acme.example", apiToken: "jira-contract-token", webhookSecret: undefined },
    logger: silentLogger,
    sleep: async () => undefined,
  });

  function seedStory(seed: StorySeed, parentKey: string | null = null): SeededStory {
    const story = site.addIssue({
      summary: seed.title,
      description: seed.description,
      labels: [...(seed.labels ?? [])],
      status: seed.closed ? "Done" : "To Do",
      parentKey,
    });
    const personSubIssueKeys = (seed.personSubIssues ?? []).map(
      (summary) => site.addIssue({ summary, description: "Ask Dana.", type: "Sub-task", parentKey: story.key }).key,
    );
    return { key: story.key, personSubIssueKeys };
  }

  return {
    tracker,
    // Story Points is a number field: the scale is the one Jira teams estimate with.
    pointScale: options.storyFields ? JIRA_DEFAULT_POINT_SCALE : null,
    unknownKey: "PROJ-9999",
    seedStory: (seed) => seedStory(seed),
    seedEpic(title, stories, seed = {}) {
      const epic = site.addIssue({ summary: title, type: "Epic", description: seed.description ?? null, status: seed.closed ? "Done" : "To Do" });
      return { key: epic.key, storyKeys: stories.map((seed) => seedStory(seed, epic.key).key) };
    },
    person: {
      moveOn(key) {
        site.byKey(key).status = "In Progress";
      },
      assign(key) {
        site.byKey(key).assigneeAccountId = "5b10a2844c20165700ede21g";
      },
      edit(key) {
        const issue = site.byKey(key);
        const added = adfParagraphs("Also cover partial refunds.").content;
        issue.description = { type: "doc", version: 1, content: [...added, ...(issue.description?.content ?? [])] };
      },
    },
    subIssueKeysOf: (storyKey) => site.childrenOf(storyKey).map((issue) => issue.key),
    labelsOf: (key) => [...site.byKey(key).labels],
    commentsOn: (key) => site.byKey(key).comments.map((body) => adfToMarkdown(body)),
    blocksLinks: () => site.blocksLinks(),
    unexpected: () => site.api.unexpected.map((request) => `${request.method} ${request.path}`),
    stop: () => site.stop(),
  };
}
