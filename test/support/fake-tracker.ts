// An in-memory tracker with the behaviour the run layer relies on: children carry the bot's
// marker, a client-chosen id makes a repeated create return the existing issue (as Linear; as
// Jira it makes another), "blocks" links are made once and go with a deleted sub-issue, and
// every call is recorded so tests can assert what the tracker saw. Epics hold stories, sibling
// epics and a point scale; createStories adds stories to an epic as the adapters do (the bot's
// story label, the marker, the criteria under a heading of the description).
// test/contract/tracker.contract.test.ts holds it to the same behaviours as the real adapters.
import { NotAnEpic, StoryNotFound } from "../../src/trackers/errors.ts";
import { BOT_STORY_LABEL } from "../../src/trackers/marker.ts";
import { withAcceptanceCriteria } from "../../src/trackers/story-description.ts";
import { blocksLinkRef } from "../../src/trackers/support/blocks-link.ts";
import { trackerRegistry } from "../../src/trackers/registry.ts";
import type {
  BlocksLink,
  BotMarker,
  CreateStoriesResult,
  CreateSubtasksResult,
  DeleteSubtasksResult,
  EpicStory,
  Expansion,
  LinkBlocksResult,
  NewStory,
  NewSubtask,
  Tracker,
  TrackerChild,
  TrackerEpic,
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
  /** Its state's name; when unset, "Done" if closed, else "Todo". */
  state?: string;
  /** The bot's marker, for a story the bot made in an epic (createStories). */
  marker: BotMarker | null;
  /** A person moved it on, edited or took on a story the bot made. */
  touched: boolean;
  /** Story points. */
  points: number | null;
  /** Criteria in a field of their own (a Jira site with an "Acceptance Criteria" field). */
  acceptanceCriteria: string[];
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
  /** "project": a Linear project (its key is the project's slug id). */
  kind: "issue" | "project";
  description: string;
  closed: boolean;
  /** The team's estimate scale; null: it uses none. */
  pointScale: number[] | null;
  /**
   * Sibling epics as the tracker would list them; when unset, the other open epics of the same
   * team (the prefix of the key), as the adapters find them.
   */
  siblings?: { key: string; title: string }[];
}

export type FakeEpicInit = Partial<Omit<FakeEpic, "key" | "storyKeys">>;

export interface FakeTrackerOptions {
  readonly name?: TrackerName;
  /** Every call waits this long, like a real API round trip. */
  readonly latencyMs?: number;
  /**
   * Like a Jira site whose Story create screen has an "Acceptance Criteria" field: createStories
   * puts criteria there instead of under a heading of the description.
   */
  readonly criteriaField?: boolean;
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
  /** As failItem, for createStories. */
  failStory: ((story: NewStory) => string | undefined) | undefined;
  /** As afterItem, for createStories. */
  afterStory: ((story: NewStory, index: number) => void | Promise<void>) | undefined;
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
  private readonly criteriaField: boolean;
  private sequence = 1000;

  constructor(options: FakeTrackerOptions = {}) {
    this.name = options.name ?? "linear";
    this.latencyMs = options.latencyMs ?? 0;
    this.criteriaField = options.criteriaField ?? false;
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
      ...(init.state === undefined ? {} : { state: init.state }),
      marker: init.marker ?? null,
      touched: init.touched ?? false,
      points: init.points ?? null,
      acceptanceCriteria: init.acceptanceCriteria ?? [],
    };
    this.stories.set(key, story);
    return story;
  }

  /** An epic holding the stories of these keys (added when missing); a string is its title. */
  addEpic(key: string, storyKeys: string[], init: string | FakeEpicInit = {}): FakeEpic {
    const options = typeof init === "string" ? { title: init } : init;
    const epic: FakeEpic = {
      id: options.id ?? `id-${key}`,
      key,
      title: options.title ?? `Epic ${key}`,
      storyKeys: [...storyKeys],
      kind: options.kind ?? "issue",
      description: options.description ?? `The ${key} epic.`,
      closed: options.closed ?? false,
      pointScale: options.pointScale ?? null,
      ...(options.siblings ? { siblings: options.siblings } : {}),
    };
    this.epics.set(key, epic);
    for (const storyKey of storyKeys) {
      const story = this.stories.get(storyKey) ?? this.addStory(storyKey);
      // A project's issues are in it, not under it.
      if (epic.kind === "issue") story.parentKey = key;
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
    return this.trackerStory(this.find(ref.key));
  }

  /** Like Linear: one request per 50 stories. */
  /** As Linear: 50 stories per request. */
  readonly storiesPerRead = 50;

  async readStories(items: readonly TrackerItemSummary[]): Promise<TrackerStory[]> {
    const stories: TrackerStory[] = [];
    for (let start = 0; start < items.length; start += this.storiesPerRead) {
      await this.call("readStories");
      for (const item of items.slice(start, start + this.storiesPerRead)) {
        const story = [...this.stories.values()].find((candidate) => candidate.id === item.id);
        if (story) stories.push(this.trackerStory(story));
      }
    }
    return stories;
  }

  private trackerStory(story: FakeStory): TrackerStory {
    const parent = story.parentKey ? this.epics.get(story.parentKey) : undefined;
    return {
      ...this.summary(story),
      tracker: this.name,
      description: story.description,
      acceptanceCriteria: [...story.acceptanceCriteria],
      labels: [...story.labels],
      estimate: story.points,
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
    return this.createEach(subtasks, this.failItem, this.afterItem, {
      existing: (id) => parent.children.find((child) => child.id === id),
      make: (subtask, id, number) => {
        const child: FakeChild = {
          id,
          key: `${this.teamKey(parent.key)}-${number}`,
          title: subtask.title,
          state: "Backlog",
          marker: subtask.marker,
          touched: false,
          labels: [...(subtask.labels ?? [])],
        };
        parent.children.push(child);
        return child;
      },
    });
  }


  async readEpic(ref: TrackerRef): Promise<TrackerEpic> {
    await this.call("readEpic", ref.key);
    const epic = this.epics.get(ref.key);
    if (!epic) {
      if (this.stories.has(ref.key)) throw new NotAnEpic(trackerRegistry[this.name], ref.key);
      throw new StoryNotFound(trackerRegistry[this.name], ref.key, { kind: ref.kind });
    }
    const team = this.teamKey(epic.key);
    const siblings =
      epic.siblings ??
      [...this.epics.values()]
        .filter((other) => other.key !== epic.key && !other.closed && this.teamKey(other.key) === team)
        .map((other) => ({ key: other.key, title: other.title }));
    return {
      ...this.summary(epic),
      tracker: this.name,
      kind: epic.kind,
      description: epic.description,
      team: { id: `team-${team}`, key: team, name: team },
      stories: epic.storyKeys.slice(0, 100).map((key) => this.epicStory(this.find(key))),
      siblings: siblings.slice(0, 30),
      pointScale: epic.pointScale,
      closed: epic.closed,
    };
  }

  private epicStory(story: FakeStory): EpicStory {
    const madeByBot = story.marker !== null;
    return {
      ...this.summary(story),
      state: story.state ?? (story.closed ? "Done" : "Todo"),
      createdByBot: madeByBot,
      marker: story.marker,
      // A person's story is theirs; a bot story with sub-issues has work started on it.
      touchedByPerson: !madeByBot || story.touched || story.children.length > 0,
      // As the Jira adapter gives a criteria field's items: under a heading after the description.
      description: withAcceptanceCriteria(story.description, story.acceptanceCriteria),
    };
  }

  async createStories(epic: TrackerEpic, stories: readonly NewStory[]): Promise<CreateStoriesResult> {
    await this.call("createStories", epic.key);
    const target = this.epics.get(epic.key);
    if (!target) throw new StoryNotFound(trackerRegistry[this.name], epic.key, { kind: epic.kind });
    return this.createEach(stories, this.failStory, this.afterStory, {
      existing: (id) => [...this.stories.values()].find((story) => story.id === id),
      make: (story, id, number) => {
        const made = this.addStory(`${epic.team.key}-${number}`, {
          id,
          title: story.title,
          description: this.criteriaField ? story.description : withAcceptanceCriteria(story.description, story.acceptanceCriteria),
          acceptanceCriteria: this.criteriaField ? [...story.acceptanceCriteria] : [],
          labels: [BOT_STORY_LABEL, ...(story.labels ?? [])],
          parentKey: target.kind === "issue" ? target.key : null,
          state: "Backlog",
          marker: story.marker,
          points: story.points,
        });
        target.storyKeys.push(made.key);
        return made;
      },
    });
  }

  /**
   * Creates each item in order, keeping successes when some fail. Linear takes a client-chosen
   * id, so the same id never makes a second issue; Jira has no such id and makes another (the
   * run layer then matches by marker).
   */
  private async createEach<I extends { readonly code: string; readonly clientId: string; readonly title: string }>(
    items: readonly I[],
    fail: ((item: I) => string | undefined) | undefined,
    after: ((item: I, index: number) => void | Promise<void>) | undefined,
    issues: {
      existing: (id: string) => { id: string; key: string; title: string } | undefined;
      make: (item: I, id: string, number: number) => { id: string; key: string; title: string };
    },
  ): Promise<CreateSubtasksResult & CreateStoriesResult> {
    const created: CreateSubtasksResult["created"][number][] = [];
    const failed: CreateSubtasksResult["failed"][number][] = [];
    const clientIds = this.name === "linear";
    for (const [index, item] of items.entries()) {
      const error = fail?.(item);
      if (error) {
        failed.push({ ref: item.code, error });
        continue;
      }
      let issue = clientIds ? issues.existing(item.clientId) : undefined;
      if (!issue) {
        const number = ++this.sequence;
        issue = issues.make(item, clientIds ? item.clientId : String(10_000 + number), number);
        this.createdTitles.push(item.title);
      }
      created.push({ ...this.summary(issue), code: item.code });
      await after?.(item, index);
    }
    return { created, failed };
  }

  /** Deletes sub-issues and stories alike: the run layer deletes the bot's stories through it too. */
  async deleteSubtasks(ids: readonly string[]): Promise<DeleteSubtasksResult> {
    await this.call("deleteSubtasks");
    for (const story of [...this.stories.values()]) {
      if (!ids.includes(story.id)) continue;
      this.stories.delete(story.key);
      for (const epic of this.epics.values()) epic.storyKeys = epic.storyKeys.filter((key) => key !== story.key);
    }
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
    // Gathered once per request: gathered per link, a large epic's bench spent more time here than in the bot.
    const issueIds = this.issueIds();
    for (const [index, link] of links.entries()) {
      const error = this.failLink?.(link) ?? this.missingEnd(link, issueIds);
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

  private issueIds(): Set<string> {
    return new Set([...this.stories.values()].flatMap((story) => [story.id, ...story.children.map((child) => child.id)]));
  }

  private missingEnd(link: BlocksLink, issueIds: ReadonlySet<string>): string | undefined {
    const gone = [link.blocker, link.blocked].find((end) => !issueIds.has(end.id));
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
