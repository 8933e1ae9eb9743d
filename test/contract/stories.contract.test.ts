// The Tracker port's contract for stories runs: reading an epic (its stories told apart like a
// story's children, its sibling epics, its team's point scale) and creating stories in it, run
// against FakeTracker and both real adapters on played worlds of their provider's API.

import { expect } from "vitest";
import { uuidFromName } from "../../src/db/uuid-from-name.ts";
import { parseAcceptanceCriteria } from "../../src/generation/acceptance-criteria.ts";
import { NotAnEpic, StoryNotFound } from "../../src/trackers/errors.ts";
import { BOT_STORY_LABEL } from "../../src/trackers/marker.ts";
import type { CreatedStory, NewStory, TrackerEpic, TrackerRef, TrackerStory } from "../../src/trackers/types.ts";
import { expectRejectionNaming, personActs, runContract, trackerHarnesses, type Behaviour } from "../support/contract/behaviour.ts";
import type { SeededEpic, StorySeed, TrackerHarness } from "../support/contract/harness.ts";

const RUN_ID = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";

const invoiceStory: StorySeed = {
  title: "Pay by invoice",
  description: "As a buyer I want to pay by invoice so that finance can approve the purchase.",
  labels: ["payments"],
};
const cardStory: StorySeed = { title: "Pay by card", description: "As a buyer I want to pay by card." };
const checkoutEpic = { description: "Everything a buyer needs to pay for an order.\n\nBusiness accounts come first." };

const storyTitles: Record<string, string> = {
  S1: "As a buyer I want to see my invoices so that I can pay them on time",
  S2: "As a finance manager I want to approve invoices so that spending stays in budget",
  S3: "As a buyer I want a reminder before an invoice is due",
};

const criteriaOf = (code: string) => [
  `Given a business account, when the buyer opens ${code}, then the open invoices are listed`,
  "An invoice past its due date is shown as overdue",
];

function newStories(epic: TrackerEpic, codes: readonly string[], points: number | null = null): NewStory[] {
  return codes.map((code) => ({
    code,
    title: storyTitles[code] ?? `Story ${code}`,
    // A list and emphasis: the footer's hash must survive the tracker's own rewriting of them.
    description: `Part ${code} of paying by invoice.\n\n- business accounts only\n- **not** above the credit limit`,
    acceptanceCriteria: criteriaOf(code),
    points,
    marker: { runId: RUN_ID, code },
    clientId: uuidFromName(`story:${RUN_ID}:${epic.id}:${code}`),
  }));
}

const ref = (h: TrackerHarness, key: string, kind: "issue" | "project" = "issue"): TrackerRef => ({ tracker: h.tracker.name, key, kind, input: key });
const readEpic = (h: TrackerHarness, key: string, kind: "issue" | "project" = "issue") => h.tracker.readEpic(ref(h, key, kind));
const read = (h: TrackerHarness, key: string) => h.tracker.getStory(ref(h, key));
/** What the bot reads as a story's criteria: its field when the tracker has one, else its description. */
const criteriaIn = (story: TrackerStory) => (story.acceptanceCriteria.length > 0 ? [...story.acceptanceCriteria] : parseAcceptanceCriteria(story.description));

/** The Checkout epic with two stories a person wrote, and stories S1… made in it through the port, as a run makes them. */
async function epicWithBotStories(h: TrackerHarness, codes: readonly string[] = ["S1", "S2"], points: number | null = null) {
  const seeded = h.seedEpic("Checkout", [invoiceStory, cardStory], checkoutEpic);
  const before = await readEpic(h, seeded.key);
  const result = await h.tracker.createStories(before, newStories(before, codes, points));
  expect(result.failed).toEqual([]);
  const keyOf = (code: string) => result.created.find((created) => created.code === code)!.key;
  return { seeded, before, created: result.created, keyOf };
}

/** What the run layer reads of an epic's stories, by key. */
async function storiesByKey(h: TrackerHarness, epicKey: string, kind: "issue" | "project" = "issue") {
  const epic = await readEpic(h, epicKey, kind);
  return new Map(epic.stories.map(({ key, createdByBot, marker, touchedByPerson }) => [key, { createdByBot, marker, touchedByPerson }]));
}

const untouchedBotStory = (code: string) => ({ createdByBot: true, marker: { runId: RUN_ID, code }, touchedByPerson: false });
const touchedBotStory = (code: string) => ({ createdByBot: true, marker: { runId: RUN_ID, code }, touchedByPerson: true });
const personStory = { createdByBot: false, marker: null, touchedByPerson: true };

function expectCreatedInOrder(created: readonly CreatedStory[], codes: readonly string[], teamKey: string) {
  expect(created.map((item) => [item.code, item.title])).toEqual(codes.map((code) => [code, storyTitles[code]]));
  for (const item of created) {
    expect(item.key.startsWith(`${teamKey}-`)).toBe(true);
    expect(item.url).toContain(item.key);
  }
  expect(new Set(created.map((item) => item.id)).size).toBe(codes.length);
}

const behaviours: readonly Behaviour[] = [
  // Reading the epic (a stories run reads it before generating, and again before writing back).
  {
    name: "an epic reads back with its title, description, team and its stories in order, each with its description",
    async check(h) {
      const seeded = h.seedEpic("Checkout", [invoiceStory, cardStory], checkoutEpic);
      const epic = await readEpic(h, seeded.key);
      expect(epic).toMatchObject({ tracker: h.tracker.name, kind: "issue", key: seeded.key, title: "Checkout", description: checkoutEpic.description, closed: false });
      expect(epic.url).toContain(seeded.key);
      expect(epic.team.key).toBe(seeded.key.split("-")[0]);
      expect(epic.stories.map((story) => [story.key, story.title, story.description])).toEqual([
        [seeded.storyKeys[0], invoiceStory.title, invoiceStory.description],
        [seeded.storyKeys[1], cardStory.title, cardStory.description],
      ]);
    },
  },
  {
    name: "an epic's stories that people wrote are not the bot's and count as touched",
    async check(h) {
      const seeded = h.seedEpic("Checkout", [invoiceStory, cardStory], checkoutEpic);
      const stories = await storiesByKey(h, seeded.key);
      expect([...stories.values()]).toEqual([personStory, personStory]);
    },
  },
  {
    name: "an epic's siblings are the other open epics of its team or project, without itself",
    async check(h) {
      const refunds = h.seedEpic("Refunds", [cardStory]);
      const invoicing = h.seedEpic("Invoicing", []);
      h.seedEpic("Old checkout", [], { closed: true });
      h.seedStory(invoiceStory);
      const seeded = h.seedEpic("Checkout", [invoiceStory], checkoutEpic);
      const epic = await readEpic(h, seeded.key);
      expect([...epic.siblings].sort((a, b) => a.title.localeCompare(b.title))).toEqual([
        { key: invoicing.key, title: "Invoicing" },
        { key: refunds.key, title: "Refunds" },
      ]);
    },
  },
  {
    name: "an epic's point scale is the one its team estimates with",
    async check(h) {
      const seeded = h.seedEpic("Checkout", [invoiceStory]);
      expect((await readEpic(h, seeded.key)).pointScale).toEqual(h.pointScale);
    },
  },
  {
    name: "a done epic reads as closed",
    async check(h) {
      const seeded = h.seedEpic("Checkout", [invoiceStory], { closed: true });
      expect((await readEpic(h, seeded.key)).closed).toBe(true);
    },
  },
  {
    name: "reading a story as an epic rejects with NotAnEpic naming the key, even when it has sub-issues",
    async check(h) {
      const { key } = h.seedStory({ ...invoiceStory, personSubIssues: ["Ask finance about payment terms"] });
      await expectRejectionNaming(readEpic(h, key), NotAnEpic, key);
    },
  },
  {
    name: "reading an epic nobody knows rejects with StoryNotFound naming the key",
    check: (h) => expectRejectionNaming(readEpic(h, h.unknownKey), StoryNotFound, h.unknownKey),
  },

  // Creating stories (a stories run's write-back).
  {
    name: "created stories come back in the order given, each with its code, a key of the epic's team and a url",
    async check(h) {
      const { before, created } = await epicWithBotStories(h, ["S2", "S1", "S3"]);
      expectCreatedInOrder(created, ["S2", "S1", "S3"], before.team.key);
    },
  },
  {
    name: "a created story is in the epic, carries the bot's story label, and reads back with the criteria it was given",
    async check(h) {
      const { seeded, created, keyOf } = await epicWithBotStories(h);
      const story = await read(h, keyOf("S1"));
      expect(story.parent).toMatchObject({ key: seeded.key, title: "Checkout" });
      expect(story.labels).toContain(BOT_STORY_LABEL);
      expect(story.title).toBe(storyTitles.S1);
      expect(criteriaIn(story)).toEqual(criteriaOf("S1"));
      const epic = await readEpic(h, seeded.key);
      expect(epic.stories.map((item) => item.key)).toEqual([...seeded.storyKeys, ...created.map((item) => item.key)]);
    },
  },
  {
    name: "a bot story nobody touched reads back in the epic as the bot's, with its run and code, and the people's stay theirs",
    async check(h) {
      const { seeded, keyOf } = await epicWithBotStories(h);
      const stories = await storiesByKey(h, seeded.key);
      expect(stories.get(keyOf("S1"))).toEqual(untouchedBotStory("S1"));
      expect(stories.get(keyOf("S2"))).toEqual(untouchedBotStory("S2"));
      for (const key of seeded.storyKeys) expect(stories.get(key)).toEqual(personStory);
    },
  },
  ...personActs.map(
    ({ act, apply }): Behaviour => ({
      name: `a bot story a person ${act} counts as touched, and only that one`,
      async check(h) {
        const { seeded, keyOf } = await epicWithBotStories(h);
        apply(h, keyOf("S2"));
        const stories = await storiesByKey(h, seeded.key);
        expect(stories.get(keyOf("S2"))).toEqual(touchedBotStory("S2"));
        expect(stories.get(keyOf("S1"))).toEqual(untouchedBotStory("S1"));
      },
    }),
  ),
  {
    name: "a bot story that has sub-issues of its own counts as touched: work has started on it",
    async check(h) {
      const { seeded, keyOf } = await epicWithBotStories(h);
      const story = await read(h, keyOf("S1"));
      const made = await h.tracker.createSubtasks(story, [
        {
          code: "ST1",
          title: "Show the invoice list",
          description: "The list.",
          effort: "S",
          marker: { runId: RUN_ID, code: "ST1" },
          clientId: uuidFromName(`subtask:${RUN_ID}:${story.id}:ST1`),
        },
      ]);
      expect(made.failed).toEqual([]);
      const stories = await storiesByKey(h, seeded.key);
      expect(stories.get(keyOf("S1"))).toEqual(touchedBotStory("S1"));
      expect(stories.get(keyOf("S2"))).toEqual(untouchedBotStory("S2"));
    },
  },
  {
    name: "a story's points on the team's scale read back as its estimate, where the team estimates",
    async check(h) {
      const points = h.pointScale?.[2] ?? null;
      const { keyOf } = await epicWithBotStories(h, ["S1"], points);
      expect((await read(h, keyOf("S1"))).estimate).toBe(points);
    },
  },
  {
    name: "creating the same stories again after a crash returns the stories made the first time and makes no more",
    where: (factory) => factory.createsOncePerClientId,
    async check(h) {
      const { seeded, before, created } = await epicWithBotStories(h);
      const again = await h.tracker.createStories(before, newStories(before, ["S1", "S2"]));
      expect(again).toEqual({ created, failed: [] });
      expect((await readEpic(h, seeded.key)).stories).toHaveLength(2 + 2);
    },
  },
  {
    name: "a repeated create after a crash that made only some adds just the missing stories",
    where: (factory) => factory.createsOncePerClientId,
    async check(h) {
      const { seeded, before, created } = await epicWithBotStories(h, ["S1"]);
      const again = await h.tracker.createStories(before, newStories(before, ["S1", "S2"]));
      expect(again.failed).toEqual([]);
      expect(again.created.map((item) => item.code)).toEqual(["S1", "S2"]);
      expect(again.created[0]).toEqual(created[0]);
      expect((await readEpic(h, seeded.key)).stories).toHaveLength(2 + 2);
    },
  },
  {
    // Jira has no client-chosen id: the run layer matches the epic's stories by marker before
    // creating, so what the tracker must guarantee is that every copy carries it.
    name: "where the tracker takes no client id, a repeated create makes second stories that carry the marker the run layer matches by",
    where: (factory) => !factory.createsOncePerClientId,
    async check(h) {
      const { seeded, before, created } = await epicWithBotStories(h);
      const again = await h.tracker.createStories(before, newStories(before, ["S1", "S2"]));
      expect(again.created.map((item) => item.code)).toEqual(["S1", "S2"]);
      expect(again.created.filter((item) => created.some((first) => first.id === item.id))).toEqual([]);
      const markers = (await readEpic(h, seeded.key)).stories.flatMap((story) => (story.marker ? [story.marker.code] : []));
      expect(markers.sort()).toEqual(["S1", "S1", "S2", "S2"]);
    },
  },
  {
    name: "stories deleted with deleteSubtasks are gone from the epic, and the people's stay",
    async check(h) {
      const { seeded, created, keyOf } = await epicWithBotStories(h);
      const ids = created.filter((item) => item.code === "S1").map((item) => item.id);
      expect(await h.tracker.deleteSubtasks(ids)).toEqual({ deleted: ids, failed: [] });
      expect((await readEpic(h, seeded.key)).stories.map((story) => story.key)).toEqual([...seeded.storyKeys, keyOf("S2")]);
    },
  },

  // Where criteria and points have fields of their own (a Jira Story screen with them).
  {
    name: "where the Story screen has an Acceptance Criteria field, the criteria go there and the description stays free of them",
    where: (factory) => factory.createWithStoryFields !== undefined,
    world: (factory) => factory.createWithStoryFields!(),
    async check(h) {
      const { seeded, keyOf } = await epicWithBotStories(h);
      const story = await read(h, keyOf("S1"));
      expect(story.acceptanceCriteria).toEqual(criteriaOf("S1"));
      expect(parseAcceptanceCriteria(story.description)).toEqual([]);
      // The epic read gives each story's criteria with its description, for the model to see.
      const inEpic = (await readEpic(h, seeded.key)).stories.find((item) => item.key === keyOf("S1"))!;
      expect(parseAcceptanceCriteria(inEpic.description)).toEqual(criteriaOf("S1"));
      expect((await storiesByKey(h, seeded.key)).get(keyOf("S1"))).toEqual(untouchedBotStory("S1"));
    },
  },
  {
    name: "where the Story screen has a story points field, the epic offers its scale and a story's points land in it",
    where: (factory) => factory.createWithStoryFields !== undefined,
    world: (factory) => factory.createWithStoryFields!(),
    async check(h) {
      const seeded = h.seedEpic("Checkout", [invoiceStory]);
      const epic = await readEpic(h, seeded.key);
      expect(epic.pointScale).toEqual(h.pointScale);
      expect(epic.pointScale).toContain(5);
      const result = await h.tracker.createStories(epic, newStories(epic, ["S1"], 5));
      expect((await read(h, result.created[0]!.key)).estimate).toBe(5);
    },
  },

  // A Linear project as the epic.
  {
    name: "a project reads as an epic of its team: its top-level issues are its stories, and stories are created in it",
    where: (factory) => factory.epicProjects,
    async check(h) {
      const seeded = h.seedProject!("Checkout", [invoiceStory, cardStory], checkoutEpic);
      const epic = await readEpic(h, seeded.key, "project");
      expect(epic).toMatchObject({ kind: "project", key: seeded.key, title: "Checkout", description: checkoutEpic.description, closed: false });
      expect(epic.stories.map((story) => story.key)).toEqual(seeded.storyKeys);
      const result = await h.tracker.createStories(epic, newStories(epic, ["S1"]));
      expectCreatedInOrder(result.created, ["S1"], epic.team.key);
      const again = await storiesByKey(h, seeded.key, "project");
      expect([...again.keys()]).toEqual([...seeded.storyKeys, result.created[0]!.key]);
      expect(again.get(result.created[0]!.key)).toEqual(untouchedBotStory("S1"));
      // In the project, not under an issue.
      expect((await read(h, result.created[0]!.key)).parent).toBeNull();
    },
  },
  {
    name: "a project's siblings are the other open projects of its team",
    where: (factory) => factory.epicProjects,
    async check(h) {
      const refunds: SeededEpic = h.seedProject!("Refunds", []);
      h.seedProject!("Old checkout", [], { closed: true });
      const seeded = h.seedProject!("Checkout", [invoiceStory]);
      expect((await readEpic(h, seeded.key, "project")).siblings).toEqual([{ key: refunds.key, title: "Refunds" }]);
    },
  },
  {
    name: "reading a project nobody knows rejects with StoryNotFound",
    where: (factory) => factory.epicProjects,
    async check(h) {
      await expect(readEpic(h, "0a1b2c3d4e5f", "project")).rejects.toBeInstanceOf(StoryNotFound);
    },
  },
];

runContract(" for stories", trackerHarnesses, behaviours);
