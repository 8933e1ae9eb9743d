// The Tracker port's contract: one list of behaviours the run layer relies on (runs/process-story,
// runs/resolve-run, sync/write-back, sync/regeneration), run against every implementation —
// FakeTracker, which most integration and end-to-end tests use, and both real adapters on played
// worlds of their provider's API. A behaviour that holds for the adapters and not for the fake
// means the fake has drifted, and tests built on it prove less than they say.

import { expect } from "vitest";
import { subtaskClientId, subtaskLinkClientId } from "../../src/sync/client-id.ts";
import { StoryNotFound } from "../../src/trackers/errors.ts";
import type { BlocksLink, CreatedSubtask, NewSubtask, TrackerItemSummary, TrackerRef, TrackerStory } from "../../src/trackers/types.ts";
import { expectRejectionNaming, personActs, runContract, trackerHarnesses, type Behaviour } from "../support/contract/behaviour.ts";
import type { HarnessFactory, StorySeed, TrackerHarness } from "../support/contract/harness.ts";

const RUN_ID = "5f0c8a2e-1b3d-4e6f-8a9b-0c1d2e3f4a5b";

const invoiceStory: StorySeed = {
  title: "Pay by invoice",
  description: "As a buyer I want to pay by invoice so that finance can approve the purchase.\n\nInvoices are due within 30 days.",
  labels: ["payments", "ai:subtasks"],
  personSubIssues: ["Ask finance about payment terms"],
};

const subtaskTitles: Record<string, string> = {
  ST1: "Offer invoice as a payment method",
  ST2: "Send the invoice by email",
  ST3: "Remind the buyer before the due date",
};

function subtasks(story: TrackerStory, codes: readonly string[]): NewSubtask[] {
  return codes.map((code) => ({
    code,
    title: subtaskTitles[code] ?? `Step ${code}`,
    // A list and emphasis: the footer's hash must survive the tracker's own rewriting of them.
    description: `Part ${code} of invoices.\n\n- business accounts only\n- **not** above the credit limit`,
    effort: "S",
    marker: { runId: RUN_ID, code },
    clientId: subtaskClientId(RUN_ID, story.id, code),
  }));
}

const ref = (h: TrackerHarness, key: string): TrackerRef => ({ tracker: h.tracker.name, key, kind: "issue", input: key });
const read = (h: TrackerHarness, key: string) => h.tracker.getStory(ref(h, key));
const summaryOf = ({ id, key, title, url }: TrackerItemSummary): TrackerItemSummary => ({ id, key, title, url });
const sorted = (items: readonly string[]) => [...items].sort();
/** A story the run layer still holds a summary of, which the tracker no longer has. */
const goneStory = (h: TrackerHarness): TrackerItemSummary => ({
  id: "00000000-0000-4000-8000-000000000000",
  key: h.unknownKey,
  title: "Gone",
  url: "https://tracker.example/gone",
});

/** The invoice story with sub-issues ST1… made through the port, as a run makes them. */
async function storyWithBotSubIssues(h: TrackerHarness, codes: readonly string[] = ["ST1", "ST2", "ST3"]) {
  const seeded = h.seedStory(invoiceStory);
  const before = await read(h, seeded.key);
  const result = await h.tracker.createSubtasks(before, subtasks(before, codes));
  expect(result.failed).toEqual([]);
  const keyOf = (code: string) => result.created.find((created) => created.code === code)!.key;
  return { seeded, before, created: result.created, keyOf };
}

/** "blocker blocks blocked" between sub-issues made through the port, as write-back asks for them. */
function blocks(story: TrackerStory, created: readonly CreatedSubtask[], pairs: readonly (readonly [string, string])[]): BlocksLink[] {
  const end = (code: string) => {
    const { id, key } = created.find((item) => item.code === code)!;
    return { code, id, key };
  };
  return pairs.map(([blocker, blocked]) => ({
    blocker: end(blocker),
    blocked: end(blocked),
    clientId: subtaskLinkClientId(RUN_ID, story.id, blocker, blocked),
  }));
}

/** What the run layer reads of a child, by key. */
async function childrenByKey(h: TrackerHarness, storyKey: string) {
  const story = await read(h, storyKey);
  return new Map(story.children.map(({ key, createdByBot, marker, touchedByPerson }) => [key, { createdByBot, marker, touchedByPerson }]));
}

const untouchedBotChild = (code: string) => ({ createdByBot: true, marker: { runId: RUN_ID, code }, touchedByPerson: false });
const touchedBotChild = (code: string) => ({ createdByBot: true, marker: { runId: RUN_ID, code }, touchedByPerson: true });

const behaviours: readonly Behaviour[] = [
  // Team settings are picked from this list (slack/listeners/settings.ts).
  {
    name: "its teams or projects are listed by key and name, the story's own among them",
    async check(h) {
      const { key } = h.seedStory(invoiceStory);
      const teams = await h.tracker.listTeams();
      expect(teams.map((team) => team.key)).toContain(key.split("-")[0]);
      for (const team of teams) expect(team).toEqual({ key: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/), name: expect.stringMatching(/\S/) });
    },
  },
  // Reading a story (process-story reads it before generating, and again before writing back).
  {
    name: "a story reads back with its title, description, labels, epic and team",
    async check(h) {
      const epic = h.seedEpic("Checkout", [invoiceStory]);
      const key = epic.storyKeys[0]!;
      const story = await read(h, key);
      expect(story).toMatchObject({ tracker: h.tracker.name, key, title: invoiceStory.title, description: invoiceStory.description, closed: false });
      expect(sorted(story.labels)).toEqual(["ai:subtasks", "payments"]);
      expect(story.parent).toMatchObject({ key: epic.key, title: "Checkout" });
      expect(story.parent!.url).toContain(epic.key);
      expect(story.url).toContain(key);
      // Linear's team key and Jira's project key both prefix the issue key.
      expect(story.team.key).toBe(key.split("-")[0]);
    },
  },
  {
    name: "a story outside any epic has no parent",
    async check(h) {
      const { key } = h.seedStory(invoiceStory);
      expect((await read(h, key)).parent).toBeNull();
    },
  },
  {
    name: "a done story reads as closed",
    async check(h) {
      const { key } = h.seedStory({ ...invoiceStory, closed: true });
      expect((await read(h, key)).closed).toBe(true);
    },
  },
  {
    name: "reading a story nobody knows rejects with StoryNotFound naming the key",
    check: (h) => expectRejectionNaming(read(h, h.unknownKey), StoryNotFound, h.unknownKey),
  },

  // Telling children apart (sync/regeneration deletes only the bot's untouched ones).
  {
    name: "a person's sub-issue is not the bot's and counts as touched",
    async check(h) {
      const { seeded } = await storyWithBotSubIssues(h);
      const children = await childrenByKey(h, seeded.key);
      expect(children.get(seeded.personSubIssueKeys[0]!)).toEqual({ createdByBot: false, marker: null, touchedByPerson: true });
    },
  },
  {
    name: "a bot sub-issue nobody touched reads back as the bot's, with its run and code",
    async check(h) {
      const { seeded, keyOf } = await storyWithBotSubIssues(h);
      const children = await childrenByKey(h, seeded.key);
      for (const code of ["ST1", "ST2", "ST3"]) expect(children.get(keyOf(code))).toEqual(untouchedBotChild(code));
    },
  },
  ...personActs.map(
    ({ act, apply }): Behaviour => ({
      name: `a bot sub-issue a person ${act} counts as touched, and only that one`,
      async check(h) {
        const { seeded, keyOf } = await storyWithBotSubIssues(h);
        apply(h, keyOf("ST2"));
        const children = await childrenByKey(h, seeded.key);
        expect(children.get(keyOf("ST2"))).toEqual(touchedBotChild("ST2"));
        expect(children.get(keyOf("ST1"))).toEqual(untouchedBotChild("ST1"));
        expect(children.get(keyOf("ST3"))).toEqual(untouchedBotChild("ST3"));
      },
    }),
  ),

  // Creating sub-issues (sync/write-back step 4).
  {
    name: "created sub-issues come back in the order given, each with its code, a key of the story's team and a url",
    async check(h) {
      const { before, created } = await storyWithBotSubIssues(h, ["ST2", "ST1", "ST3"]);
      expect(created.map((item) => [item.code, item.title])).toEqual([
        ["ST2", subtaskTitles.ST2],
        ["ST1", subtaskTitles.ST1],
        ["ST3", subtaskTitles.ST3],
      ]);
      for (const item of created) {
        expect(item.key.startsWith(`${before.team.key}-`)).toBe(true);
        expect(item.url).toContain(item.key);
      }
      expect(new Set(created.map((item) => item.id)).size).toBe(3);
    },
  },
  {
    name: "the next read lists every created sub-issue under the same id, key and url",
    async check(h) {
      const { seeded, created } = await storyWithBotSubIssues(h);
      const story = await read(h, seeded.key);
      for (const item of created) {
        expect(story.children.find((child) => child.id === item.id)).toMatchObject({ key: item.key, url: item.url, title: item.title });
      }
      expect(sorted(h.subIssueKeysOf(seeded.key))).toEqual(sorted([...seeded.personSubIssueKeys, ...created.map((item) => item.key)]));
    },
  },
  {
    name: "creating the same subtasks again after a crash returns the sub-issues made the first time and makes no more",
    where: (factory) => factory.createsOncePerClientId,
    async check(h) {
      const { seeded, before, created } = await storyWithBotSubIssues(h);
      const again = await h.tracker.createSubtasks(before, subtasks(before, ["ST1", "ST2", "ST3"]));
      expect(again).toEqual({ created, failed: [] });
      expect(h.subIssueKeysOf(seeded.key)).toHaveLength(1 + 3);
    },
  },
  {
    name: "a repeated create after a crash that made only some adds just the missing ones",
    where: (factory) => factory.createsOncePerClientId,
    async check(h) {
      const { seeded, before, created } = await storyWithBotSubIssues(h, ["ST1", "ST2"]);
      const again = await h.tracker.createSubtasks(before, subtasks(before, ["ST1", "ST2", "ST3"]));
      expect(again.failed).toEqual([]);
      expect(again.created.map((item) => item.code)).toEqual(["ST1", "ST2", "ST3"]);
      expect(again.created.slice(0, 2)).toEqual(created);
      expect(h.subIssueKeysOf(seeded.key)).toHaveLength(1 + 3);
    },
  },
  {
    // Jira has no client-chosen id: write-back step 3 matches the re-read children by marker
    // before creating, so what the tracker must guarantee is that every copy carries it.
    name: "where the tracker takes no client id, a repeated create makes second sub-issues that carry the marker the run layer matches by",
    where: (factory) => !factory.createsOncePerClientId,
    async check(h) {
      const { seeded, before, created } = await storyWithBotSubIssues(h);
      const again = await h.tracker.createSubtasks(before, subtasks(before, ["ST1", "ST2", "ST3"]));
      expect(again.created.map((item) => item.code)).toEqual(["ST1", "ST2", "ST3"]);
      expect(again.created.map((item) => item.id).filter((id) => created.some((first) => first.id === id))).toEqual([]);
      expect(h.subIssueKeysOf(seeded.key)).toHaveLength(1 + 6);
      const markers = (await read(h, seeded.key)).children.flatMap((child) => (child.marker ? [`${child.marker.runId} ${child.marker.code}`] : []));
      expect(sorted(markers)).toEqual(sorted(["ST1", "ST1", "ST2", "ST2", "ST3", "ST3"].map((code) => `${RUN_ID} ${code}`)));
    },
  },

  // Deleting sub-issues (sync/write-back step 1).
  {
    name: "deleted sub-issues are gone from the tracker and from the next read",
    async check(h) {
      const { seeded, created, keyOf } = await storyWithBotSubIssues(h);
      const ids = created.filter((item) => item.code !== "ST3").map((item) => item.id);
      expect(await h.tracker.deleteSubtasks(ids)).toEqual({ deleted: ids, failed: [] });
      expect(sorted(h.subIssueKeysOf(seeded.key))).toEqual(sorted([...seeded.personSubIssueKeys, keyOf("ST3")]));
      expect(sorted((await read(h, seeded.key)).children.map((child) => child.key))).toEqual(sorted([...seeded.personSubIssueKeys, keyOf("ST3")]));
    },
  },
  {
    name: "deleting a sub-issue that is already gone counts as deleted",
    async check(h) {
      const { seeded, created } = await storyWithBotSubIssues(h, ["ST1", "ST2"]);
      const [first, second] = created.map((item) => item.id);
      await h.tracker.deleteSubtasks([first!]);
      expect(await h.tracker.deleteSubtasks([first!, second!])).toEqual({ deleted: [first, second], failed: [] });
      expect(h.subIssueKeysOf(seeded.key)).toEqual(seeded.personSubIssueKeys);
    },
  },

  // Dependencies as the tracker's own links (sync/dependency-links, after write-back step 4).
  {
    name: "a blocks link reads as the blocker blocking the blocked sub-issue, never the other way round",
    async check(h) {
      const { before, created, keyOf } = await storyWithBotSubIssues(h);
      const links = blocks(before, created, [["ST1", "ST2"], ["ST1", "ST3"], ["ST2", "ST3"]]);
      expect(await h.tracker.linkBlocks(links)).toEqual({ linked: links, failed: [] });
      expect(h.blocksLinks()).toEqual(
        [`${keyOf("ST1")} blocks ${keyOf("ST2")}`, `${keyOf("ST1")} blocks ${keyOf("ST3")}`, `${keyOf("ST2")} blocks ${keyOf("ST3")}`].sort(),
      );
    },
  },
  {
    name: "linking the same sub-issues again after a crash reports them linked and makes no second link",
    async check(h) {
      const { before, created, keyOf } = await storyWithBotSubIssues(h);
      const [first, second] = blocks(before, created, [["ST1", "ST2"], ["ST2", "ST3"]]) as [BlocksLink, BlocksLink];
      await h.tracker.linkBlocks([first]);
      expect(await h.tracker.linkBlocks([first, second])).toEqual({ linked: [first, second], failed: [] });
      expect(h.blocksLinks()).toEqual([`${keyOf("ST1")} blocks ${keyOf("ST2")}`, `${keyOf("ST2")} blocks ${keyOf("ST3")}`].sort());
    },
  },
  {
    name: "a deleted sub-issue takes its links with it, in both directions, and the others stay",
    async check(h) {
      const { before, created, keyOf } = await storyWithBotSubIssues(h);
      await h.tracker.linkBlocks(blocks(before, created, [["ST1", "ST2"], ["ST2", "ST3"], ["ST1", "ST3"]]));
      expect(await h.tracker.deleteSubtasks([created.find((item) => item.code === "ST2")!.id])).toMatchObject({ failed: [] });
      expect(h.blocksLinks()).toEqual([`${keyOf("ST1")} blocks ${keyOf("ST3")}`]);
    },
  },
  {
    name: "a link to a sub-issue that is gone fails alone, named by its codes, and the others are made",
    async check(h) {
      const { before, created, keyOf } = await storyWithBotSubIssues(h);
      const [kept, lost] = blocks(before, created, [["ST1", "ST2"], ["ST2", "ST3"]]) as [BlocksLink, BlocksLink];
      await h.tracker.deleteSubtasks([lost.blocked.id]);
      const result = await h.tracker.linkBlocks([kept, lost]);
      expect(result.linked).toEqual([kept]);
      expect(result.failed).toEqual([{ ref: "ST2 blocks ST3", error: expect.stringContaining(keyOf("ST3")) }]);
      expect(h.blocksLinks()).toEqual([`${keyOf("ST1")} blocks ${keyOf("ST2")}`]);
    },
  },
  {
    name: "where the site has no Blocks link type, nothing is linked, nothing fails, and the result says why",
    where: (factory) => factory.createWithoutBlocksLinkType !== undefined,
    world: (factory) => factory.createWithoutBlocksLinkType!(),
    async check(h) {
      const { before, created } = await storyWithBotSubIssues(h);
      const result = await h.tracker.linkBlocks(blocks(before, created, [["ST1", "ST2"]]));
      expect(result).toEqual({ linked: [], failed: [], unavailable: expect.stringContaining('"Blocks"') });
      expect(h.blocksLinks()).toEqual([]);
    },
  },

  // Commenting (process-story, after write-back).
  {
    name: "a comment reaches the story as the markdown the bot wrote",
    async check(h) {
      const { key } = h.seedStory(invoiceStory);
      const story = await read(h, key);
      const markdown = `subtasks-bot created 2 subtasks (run \`${RUN_ID}\`).\n\nReplaced 1 earlier subtask nobody had touched.`;
      await h.tracker.comment(story, markdown);
      expect(h.commentsOn(key)).toEqual([markdown]);
    },
  },
  {
    name: "commenting on a story that is gone rejects with StoryNotFound",
    async check(h) {
      await expect(h.tracker.comment(goneStory(h), "Done.")).rejects.toBeInstanceOf(StoryNotFound);
    },
  },

  // Labels (process-story's finish labels, passed the story's summary).
  {
    name: "an added label is on the story once, however often it is added",
    async check(h) {
      const { key } = h.seedStory(invoiceStory);
      const story = summaryOf(await read(h, key));
      await h.tracker.addLabel(story, "subtasks:done");
      await h.tracker.addLabel(story, "subtasks:done");
      expect(sorted(h.labelsOf(key))).toEqual(["ai:subtasks", "payments", "subtasks:done"]);
      expect(sorted((await read(h, key)).labels)).toEqual(["ai:subtasks", "payments", "subtasks:done"]);
    },
  },
  {
    name: "a removed label is gone from the story and the others stay",
    async check(h) {
      const { key } = h.seedStory(invoiceStory);
      await h.tracker.removeLabel(summaryOf(await read(h, key)), "ai:subtasks");
      expect(h.labelsOf(key)).toEqual(["payments"]);
      expect((await read(h, key)).labels).toEqual(["payments"]);
    },
  },
  {
    name: "removing a label the story does not carry changes nothing and does not fail",
    async check(h) {
      // "blocked" exists in the tracker, on another story; "subtasks:failed" exists nowhere.
      h.seedStory({ ...invoiceStory, labels: ["blocked"] });
      const { key } = h.seedStory(invoiceStory);
      const story = summaryOf(await read(h, key));
      await h.tracker.removeLabel(story, "blocked");
      await h.tracker.removeLabel(story, "subtasks:failed");
      expect(sorted(h.labelsOf(key))).toEqual(["ai:subtasks", "payments"]);
    },
  },
  {
    name: "labelling a story that is gone rejects with StoryNotFound",
    async check(h) {
      await expect(h.tracker.addLabel(goneStory(h), "subtasks:done")).rejects.toBeInstanceOf(StoryNotFound);
    },
  },

  // Expanding what a person pointed at (runs/resolve-run).
  {
    name: "an epic expands to its stories in order, uncapped under the limit",
    async check(h) {
      const epic = h.seedEpic("Checkout", ["Pay by card", "Pay by invoice", "Pay in instalments"].map((title) => ({ ...invoiceStory, title })));
      const expansion = await h.tracker.expand(ref(h, epic.key), { limit: 5 });
      expect(expansion).toMatchObject({ epic: { key: epic.key, title: "Checkout" }, capped: false });
      expect(expansion.message).toBeUndefined();
      expect(expansion.stories.map((story) => [story.key, story.title])).toEqual([
        [epic.storyKeys[0], "Pay by card"],
        [epic.storyKeys[1], "Pay by invoice"],
        [epic.storyKeys[2], "Pay in instalments"],
      ]);
    },
  },
  {
    name: "an epic with more stories than the limit gives the first ones, capped, with a message naming the epic and the limit",
    async check(h) {
      const epic = h.seedEpic("Checkout", ["Pay by card", "Pay by invoice", "Pay in instalments"].map((title) => ({ ...invoiceStory, title })));
      const expansion = await h.tracker.expand(ref(h, epic.key), { limit: 2 });
      expect(expansion.capped).toBe(true);
      expect(expansion.stories.map((story) => story.key)).toEqual(epic.storyKeys.slice(0, 2));
      expect(expansion.message).toContain(epic.key);
      expect(expansion.message).toContain("first 2");
    },
  },
  {
    name: "a story expands to itself without an epic, even when it has sub-issues",
    async check(h) {
      const { seeded } = await storyWithBotSubIssues(h);
      const expansion = await h.tracker.expand(ref(h, seeded.key));
      expect(expansion).toMatchObject({ epic: null, capped: false });
      expect(expansion.stories.map((story) => [story.key, story.title])).toEqual([[seeded.key, invoiceStory.title]]);
    },
  },
  {
    name: "expanding a key nobody knows rejects with StoryNotFound",
    async check(h) {
      await expect(h.tracker.expand(ref(h, h.unknownKey))).rejects.toBeInstanceOf(StoryNotFound);
    },
  },
];

runContract("", trackerHarnesses, behaviours);
