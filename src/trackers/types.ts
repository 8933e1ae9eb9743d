// The Tracker port. Runs and sync talk only to this; the Linear and Jira adapters implement it.
// Nothing here knows about runs, Slack or the database.

import type { TrackerKind } from "../generated/prisma/enums.ts";

export type { TrackerKind } from "../generated/prisma/enums.ts";

/**
 * A tracker as configuration and code name it ("linear"). The database stores the same tracker
 * as its TrackerKind ("LINEAR"): adding a tracker to the Prisma enum adds it here too.
 */
export type TrackerName = Lowercase<TrackerKind>;

/** Who a tracker is, for messages and records. Each tracker's folder declares its own. */
export interface TrackerIdentity {
  readonly name: TrackerName;
  /** As people write it: "Linear", "Jira". */
  readonly displayName: string;
  /** Its value in the database enums (Story.tracker, WebhookDelivery.provider). */
  readonly kind: TrackerKind;
}

/** What a person pointed at: a key (ENG-123) or a URL, resolved to one tracker. */
export interface TrackerRef {
  readonly tracker: TrackerName;
  /** Issue key (ENG-123, PROJ-42), or the project id/slug when kind is "project". */
  readonly key: string;
  /** "project": a Linear project URL; everything else is an issue (story or epic). */
  readonly kind: "issue" | "project";
  /** The text as the person typed it, for messages. */
  readonly input: string;
}

export interface TrackerItemSummary {
  readonly id: string;
  readonly key: string;
  readonly title: string;
  readonly url: string;
}

/** The marker every bot-created sub-issue carries (see trackers/marker.ts). */
export interface BotMarker {
  readonly runId: string;
  readonly code: string;
}

export interface TrackerChild extends TrackerItemSummary {
  readonly state: string;
  /** Carries the bot's marker. */
  readonly createdByBot: boolean;
  readonly marker: BotMarker | null;
  /** A person changed it after the bot created it: state moved on, edited, or assigned. */
  readonly touchedByPerson: boolean;
}

export interface TrackerStory extends TrackerItemSummary {
  readonly tracker: TrackerName;
  /** Markdown (Jira ADF is converted). */
  readonly description: string;
  /**
   * From a dedicated tracker field (such as a Jira "Acceptance Criteria" custom field) when the
   * tracker has one; otherwise empty, and the generation engine parses the description.
   */
  readonly acceptanceCriteria: readonly string[];
  readonly labels: readonly string[];
  readonly estimate: number | null;
  /** The epic or parent issue, if any. */
  readonly parent: TrackerItemSummary | null;
  readonly children: readonly TrackerChild[];
  /** Linear team or Jira project. */
  readonly team: { readonly id: string; readonly key: string; readonly name: string };
  /** Done or cancelled: a run skips it. */
  readonly closed: boolean;
  /** A Jira Epic, or a Linear issue whose children are themselves stories. */
  readonly isEpic: boolean;
}

export interface Expansion {
  /** The epic/project that was expanded; null when the ref was a plain story. */
  readonly epic: TrackerItemSummary | null;
  readonly stories: readonly TrackerItemSummary[];
  /** True when the epic has more stories than the limit; `message` says so for a person. */
  readonly capped: boolean;
  readonly message?: string;
}

export interface NewSubtask {
  readonly code: string;
  readonly title: string;
  /** Markdown; the adapter converts it (ADF for Jira) and appends the marker. */
  readonly description: string;
  readonly effort: string | null;
  /** Labels it gets besides the bot's own (a team's settings); written as the tracker holds labels. */
  readonly labels?: readonly string[];
  readonly marker: BotMarker;
  /**
   * A UUID derived from run, story and code. Where the tracker accepts a client-chosen id
   * (Linear IssueCreateInput.id), a repeated create of the same subtask cannot make a
   * second issue; the adapter reports the existing issue as created.
   */
  readonly clientId: string;
}

export interface CreatedSubtask extends TrackerItemSummary {
  readonly code: string;
}

export interface ItemFailure {
  /** The subtask code (create), tracker id (delete) or "ST1 blocks ST2" (link) that failed. */
  readonly ref: string;
  readonly error: string;
}

export interface CreateSubtasksResult {
  /** In the order given; successes are kept when some items fail. */
  readonly created: readonly CreatedSubtask[];
  readonly failed: readonly ItemFailure[];
}

export interface DeleteSubtasksResult {
  readonly deleted: readonly string[];
  readonly failed: readonly ItemFailure[];
}

/** A Linear team or a Jira project, as a person picks it from a list. */
export interface TeamSummary {
  readonly key: string;
  readonly name: string;
}

/** One end of a "blocks" link: a sub-issue the bot made, and the code of its subtask. */
export interface LinkEnd {
  readonly code: string;
  readonly id: string;
  readonly key: string;
}

/**
 * The tracker's own dependency between two sub-issues of one story: `blocker` has to be done
 * before `blocked` (Linear's "blocks" relation, Jira's "Blocks" issue link).
 */
export interface BlocksLink {
  readonly blocker: LinkEnd;
  readonly blocked: LinkEnd;
  /**
   * A UUID derived from run, story and both codes. Where the tracker accepts a client-chosen id
   * (Linear IssueRelationCreateInput.id), a repeated create cannot make a second link.
   */
  readonly clientId: string;
}

export interface LinkBlocksResult {
  /** Links that exist now, made by this call or found made by an earlier one, in the order given. */
  readonly linked: readonly BlocksLink[];
  readonly failed: readonly ItemFailure[];
  /**
   * Set when the tracker cannot make such links at all (a Jira site without a "Blocks" link
   * type, or with issue linking off): nothing was tried, and this sentence says why, for people.
   */
  readonly unavailable?: string;
}

/**
 * An epic as a stories run reads it: a Jira Epic, a Linear project, or a Linear issue labelled
 * Epic or whose sub-issues have their own. Its stories are classified like a story's children
 * (the bot's marker, touched by a person), so a regeneration keeps what people made or changed.
 */
export interface TrackerEpic extends TrackerItemSummary {
  readonly tracker: TrackerName;
  /** "project": a Linear project; "issue": a Jira Epic or a Linear epic-like issue. */
  readonly kind: "issue" | "project";
  /** Markdown (Jira ADF is converted). */
  readonly description: string;
  /** Where its stories are created: the Linear team (a project's first team) or the Jira project. */
  readonly team: { readonly id: string; readonly key: string; readonly name: string };
  /**
   * Its stories as they are now (at most 100), each with its own acceptance criteria read like
   * a story's. A bot story with sub-issues of its own counts as touched: work started on it.
   */
  readonly stories: readonly EpicStory[];
  /** Other epics of the same project (Jira) or team (Linear), for boundaries; at most 30. */
  readonly siblings: readonly { readonly key: string; readonly title: string }[];
  /**
   * The estimates the team gives stories, smallest first (Linear's issueEstimationType scale;
   * Jira's story points when the Story create screen has the field); null when it uses none.
   */
  readonly pointScale: readonly number[] | null;
  /** Done or cancelled: a stories run skips it. */
  readonly closed: boolean;
}

export interface EpicStory extends TrackerChild {
  readonly description: string;
}

export interface NewStory {
  /** S1, S2… */
  readonly code: string;
  /** At most 255 characters (Jira's summary). */
  readonly title: string;
  /** Markdown; the adapter converts it (ADF for Jira) and appends the marker. */
  readonly description: string;
  /**
   * 2 to 6 testable criteria. Where the tracker has a field for them (a Jira create screen with
   * a field named like "Acceptance Criteria") they go there; otherwise the adapter appends them
   * to the description under a "## Acceptance criteria" heading, which the bot's own reader
   * (generation/acceptance-criteria.ts) recognises.
   */
  readonly acceptanceCriteria: readonly string[];
  /** On the epic's pointScale; null: none set. */
  readonly points: number | null;
  /** Labels besides the bot's own story label (a team's extra labels). */
  readonly labels?: readonly string[];
  readonly marker: BotMarker;
  /** As NewSubtask.clientId: a repeated create of the same story cannot make a second issue where the tracker takes it. */
  readonly clientId: string;
}

export interface CreatedStory extends TrackerItemSummary {
  readonly code: string;
}

export interface CreateStoriesResult {
  /** In the order given; successes are kept when some items fail. */
  readonly created: readonly CreatedStory[];
  readonly failed: readonly ItemFailure[];
}

export interface Tracker {
  readonly name: TrackerName;
  /** Its teams (Linear) or projects (Jira) the bot can see, by key, at most 100. */
  listTeams(): Promise<TeamSummary[]>;
  /**
   * Whether the tracker user with this email could open the issue `key` of `team` themselves, or
   * with `key` null the team's issues in general (Linear: a member of the team; Jira: holds
   * Browse projects on the issue or the project). False when no tracker user has the email.
   */
  canUserOpen(email: string, item: { readonly key: string | null; readonly team: string }): Promise<boolean>;
  getStory(ref: TrackerRef): Promise<TrackerStory>;
  /**
   * Many stories in as few requests as the tracker allows (Linear: 50 per query), for a run's
   * resolve step. A story the batch cannot read whole (too many sub-issues) is left out, to be
   * read alone with getStory. Absent: the tracker has no batch read, each story is read alone.
   */
  readStories?(items: readonly TrackerItemSummary[]): Promise<TrackerStory[]>;
  /**
   * How many stories one readStories request reads (Linear 50, Jira 100): a run's start reads and
   * starts its stories that many at a time. Set with readStories.
   */
  readonly storiesPerRead?: number;
  /** Stories of an epic/project (paginated, capped); a plain story expands to itself. */
  expand(ref: TrackerRef, options?: { limit?: number }): Promise<Expansion>;
  createSubtasks(story: TrackerStory, subtasks: readonly NewSubtask[]): Promise<CreateSubtasksResult>;
  /** The epic `ref` names, with its stories; NotAnEpic when it names a plain story. */
  readEpic(ref: TrackerRef): Promise<TrackerEpic>;
  /**
   * Creates stories in the epic: Linear issues in its team with parentId the epic issue (or
   * projectId the project), Jira issues of type Story with parent the epic. Each carries the
   * bot's story label and marker; a repeated create of the same clientId finds the issue made
   * before where the tracker takes client ids (Linear), and the run layer matches by marker
   * where it does not (Jira). Stories are deleted with deleteSubtasks (any issue ids).
   */
  createStories(epic: TrackerEpic, stories: readonly NewStory[]): Promise<CreateStoriesResult>;
  /** Deleted sub-issues take their links with them: nothing is left pointing at them. */
  deleteSubtasks(ids: readonly string[]): Promise<DeleteSubtasksResult>;
  /**
   * Makes each blocker block its blocked sub-issue. A link that exists already (made by an
   * earlier attempt that died before recording it) is reported linked and not made again.
   */
  linkBlocks(links: readonly BlocksLink[]): Promise<LinkBlocksResult>;
  comment(story: TrackerItemSummary, markdown: string): Promise<void>;
  addLabel(story: TrackerItemSummary, label: string): Promise<void>;
  removeLabel(story: TrackerItemSummary, label: string): Promise<void>;
}
