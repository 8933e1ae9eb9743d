// An in-memory tracker with the behaviour the run layer relies on: children carry the bot's
// marker, a client-chosen id makes a repeated create return the existing issue (as Linear; as
// Jira it makes another), "blocks" links are made once and go with a deleted sub-issue, and
// every call is recorded so tests can assert what the tracker saw.
// test/contract/tracker.contract.test.ts holds it to the same behaviours as the real adapters.
import { StoryNotFound } from "../../src/trackers/errors.ts";
import { blocksLinkRef } from "../../src/trackers/support/blocks-link.ts";
import { trackerRegistry } from "../../src/trackers/registry.ts";
import type {
  BlocksLink,
  BotMarker,
  CreateSubtasksResult,
  DeleteSubtasksResult,
  Expansion,
  LinkBlocksResult,
  NewSubtask,
  Tracker,
  TrackerChild,
  TrackerItemSummary,
  TrackerName,
  TrackerRef,
  TrackerStory,
  TeamSummary,
} from "../../src/trackers/types.ts";

export interface FakeChild {
  id: string;
  key: string;
  title: string;
  state: string;
  marker: BotMarker | null;
  touched: boolean;
  /** Labels it was created with besides the bot's own. */
  labels?: string[];
}

export interface FakeStory {
  id: string;
  key: string;
  title: string;
  description: string;
  closed: boolean;
  labels: Set<string>;
  children: FakeChild[];
  comments: string[];
  parentKey: string | null;
}

/** "blocker blocks blocked", by sub-issue id. */
export interface FakeLink {
  readonly blockerId: string;
  readonly blockedId: string;
}

export interface FakeEpic {
  id: string;
  key: string;
  title: string;
  storyKeys: string[];
}

export interface FakeTrackerOptions {
  readonly name?: TrackerName;
  /** Every call waits this long, like a real API round trip. */
  readonly latencyMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FakeTracker implements Tracker {
  readonly name: TrackerName;
  readonly stories = new Map<string, FakeStory>();
  readonly epics = new Map<string, FakeEpic>();
  readonly calls: { method: string; key?: string }[] = [];
  /** Titles of every sub-issue ever created, in order (duplicates show up here). */
  readonly createdTitles: string[] = [];
  /** Called before each item is created; return an error message to fail that item. */
  failItem: ((subtask: NewSubtask) => string | undefined) | undefined;
  /** Called after each item is created; throw to simulate the process dying mid-call. */
  afterItem: ((subtask: NewSubtask, index: number) => void | Promise<void>) | undefined;
  /** Every "blocks" link between sub-issues, as the tracker holds them. */
  readonly links: FakeLink[] = [];
  /** How many links were ever made (a link made twice would count twice). */
  linksMade = 0;
  /** false: like a Jira site without a "Blocks" link type, nothing can be linked. */
  blocksLinkType = true;
  /** Called before each link is made; return an error message to fail that link. */
  failLink: ((link: BlocksLink) => string | undefined) | undefined;
  /** Called after each link is made; hang or throw to simulate the process dying mid-call. */
  afterLink: ((link: BlocksLink, index: number) => void | Promise<void>) | undefined;
  private readonly latencyMs: number;
  private sequence = 1000;

  constructor(options: FakeTrackerOptions = {}) {
    this.name = options.name ?? "linear";
    this.latencyMs = options.latencyMs ?? 0;
  }

  addStory(key: string, init: Partial<Omit<FakeStory, "key" | "labels">> & { labels?: string[] } = {}): FakeStory {
    const story: FakeStory = {
      id: init.id ?? `id-${key}`,
      key,
      title: init.title ?? `Story ${key}`,
      description: init.description ?? `As a user I want ${key}.`,
      closed: init.closed ?? false,
      labels: new Set(init.labels ?? []),
      children: init.children ?? [],
      comments: [],
      parentKey: init.parentKey ?? null,
    };
    this.stories.set(key, story);
    return story;
  }

  addEpic(key: string, storyKeys: string[], title = `Epic ${key}`): FakeEpic {
    const epic = { id: `id-${key}`, key, title, storyKeys };
    this.epics.set(key, epic);
    for (const storyKey of storyKeys) {
      const story = this.stories.get(storyKey) ?? this.addStory(storyKey);
      story.parentKey = key;
    }
    return epic;
  }

  countCalls(method: string, key?: string): number {
    return this.calls.filter((call) => call.method === method && (key === undefined || call.key === key)).length;
  }

  private async call(method: string, key?: string): Promise<void> {
    this.calls.push({ method, ...(key ? { key } : {}) });
    if (this.latencyMs > 0) await sleep(this.latencyMs);
  }

  private url(key: string): string {
    return `https://tracker.test/issue/${key}`;
  }

  /** Linear's team key and Jira's project key are both the prefix of the issue key. */
  private teamKey(key: string): string {
    return key.split("-")[0] ?? key;
  }

  private summary(item: { id: string; key: string; title: string }): TrackerItemSummary {
    return { id: item.id, key: item.key, title: item.title, url: this.url(item.key) };
  }

  private find(key: string): FakeStory {
    const story = this.stories.get(key);
    if (!story) throw new StoryNotFound(trackerRegistry[this.name], key);
    return story;
  }

  async getStory(ref: TrackerRef): Promise<TrackerStory> {
    await this.call("getStory", ref.key);
    const story = this.find(ref.key);
    const parent = story.parentKey ? this.epics.get(story.parentKey) : undefined;
    return {
      ...this.summary(story),
      tracker: this.name,
      description: story.description,
      acceptanceCriteria: [],
      labels: [...story.labels],
      estimate: null,
      parent: parent ? this.summary(parent) : null,
      children: story.children.map(
        (child): TrackerChild => ({
          ...this.summary(child),
          state: child.state,
          createdByBot: child.marker !== null,
          marker: child.marker,
          // A child without the bot's marker is a person's own: like the adapters (marker.ts
          // inspectChild), it counts as touched, so nothing ever deletes it.
          touchedByPerson: child.marker === null || child.touched,
        }),
      ),
      team: { id: `team-${this.teamKey(story.key)}`, key: this.teamKey(story.key), name: this.teamKey(story.key) },
      closed: story.closed,
      isEpic: false,
    };
  }

  async expand(ref: TrackerRef, options: { limit?: number } = {}): Promise<Expansion> {
    await this.call("expand", ref.key);
    const epic = this.epics.get(ref.key);
    if (!epic) {
      const story = this.find(ref.key);
      return { epic: null, stories: [this.summary(story)], capped: false };
    }
    const limit = options.limit ?? 50;
    const stories = epic.storyKeys.slice(0, limit).map((key) => this.summary(this.find(key)));
    const capped = epic.storyKeys.length > limit;
    return {
      epic: this.summary(epic),
      stories,
      capped,
      ...(capped ? { message: `${epic.key} has ${epic.storyKeys.length} stories; taking the first ${limit}` } : {}),
    };
  }

  /** Emails of tracker users and the teams each belongs to; canUserOpen answers from it. */
  readonly members = new Map<string, Set<string>>();

  async canUserOpen(email: string, item: { key: string | null; team: string }): Promise<boolean> {
    await this.call("canUserOpen", item.key ?? item.team);
    return this.members.get(email.toLowerCase())?.has(item.team.toUpperCase()) ?? false;
  }

  async listTeams(): Promise<TeamSummary[]> {
    await this.call("listTeams");
    const keys = [...new Set([...this.stories.keys()].map((key) => this.teamKey(key)))].sort();
    return keys.map((key) => ({ key, name: `Team ${key}` }));
  }

  async createSubtasks(story: TrackerStory, subtasks: readonly NewSubtask[]): Promise<CreateSubtasksResult> {
    await this.call("createSubtasks", story.key);
    const parent = this.find(story.key);
    const created: CreateSubtasksResult["created"][number][] = [];
    const failed: CreateSubtasksResult["failed"][number][] = [];
    for (const [index, subtask] of subtasks.entries()) {
      const error = this.failItem?.(subtask);
      if (error) {
        failed.push({ ref: subtask.code, error });
        continue;
      }
      // Linear takes a client-chosen id, so the same id never makes a second issue; Jira has no
      // such id and makes another sub-task (the run layer then matches children by marker).
      const clientIds = this.name === "linear";
      let child = clientIds ? parent.children.find((c) => c.id === subtask.clientId) : undefined;
      if (!child) {
        const number = ++this.sequence;
        const id = clientIds ? subtask.clientId : String(10_000 + number);
        child = {
          id,
          key: `${this.teamKey(parent.key)}-${number}`,
          title: subtask.title,
          state: "Backlog",
          marker: subtask.marker,
          touched: false,
          labels: [...(subtask.labels ?? [])],
        };
        parent.children.push(child);
        this.createdTitles.push(subtask.title);
      }
      created.push({ ...this.summary(child), code: subtask.code });
      await this.afterItem?.(subtask, index);
    }
    return { created, failed };
  }

  async deleteSubtasks(ids: readonly string[]): Promise<DeleteSubtasksResult> {
    await this.call("deleteSubtasks");
    for (const story of this.stories.values()) story.children = story.children.filter((child) => !ids.includes(child.id));
    // A deleted sub-issue takes its links with it, in both directions.
    const kept = this.links.filter((link) => !ids.includes(link.blockerId) && !ids.includes(link.blockedId));
    this.links.splice(0, this.links.length, ...kept);
    return { deleted: [...ids], failed: [] };
  }

  async linkBlocks(links: readonly BlocksLink[]): Promise<LinkBlocksResult> {
    await this.call("linkBlocks");
    if (!this.blocksLinkType) {
      return { linked: [], failed: [], unavailable: `This ${trackerRegistry[this.name].displayName} site has no "Blocks" link type.` };
    }
    const linked: BlocksLink[] = [];
    const failed: LinkBlocksResult["failed"][number][] = [];
    for (const [index, link] of links.entries()) {
      const error = this.failLink?.(link) ?? this.missingEnd(link);
      if (error) {
        failed.push({ ref: blocksLinkRef(link), error });
        continue;
      }
      const exists = this.links.some((made) => made.blockerId === link.blocker.id && made.blockedId === link.blocked.id);
      if (!exists) {
        this.links.push({ blockerId: link.blocker.id, blockedId: link.blocked.id });
        this.linksMade += 1;
      }
      linked.push(link);
      await this.afterLink?.(link, index);
    }
    return { linked, failed };
  }

  private missingEnd(link: BlocksLink): string | undefined {
    const ids = new Set([...this.stories.values()].flatMap((story) => story.children.map((child) => child.id)));
    const gone = [link.blocker, link.blocked].find((end) => !ids.has(end.id));
    return gone ? `${trackerRegistry[this.name].displayName} has no issue ${gone.key}` : undefined;
  }

  async comment(story: TrackerItemSummary, markdown: string): Promise<void> {
    await this.call("comment", story.key);
    this.find(story.key).comments.push(markdown);
  }

  async addLabel(story: TrackerItemSummary, label: string): Promise<void> {
    await this.call("addLabel", story.key);
    this.find(story.key).labels.add(label);
  }

  async removeLabel(story: TrackerItemSummary, label: string): Promise<void> {
    await this.call("removeLabel", story.key);
    this.find(story.key).labels.delete(label);
  }
}
