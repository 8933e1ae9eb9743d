// The local Subtask rows the write-back keeps in step with the tracker. The run store implements
// this port (runs/store.ts); sync/ only states what it needs, so it never reaches the database
// itself and never imports the run layer.

/** A subtask of this run as stored: its sub-issue once it exists in the tracker. */
export interface SubtaskRow {
  readonly id: string;
  readonly code: string;
  readonly title: string;
  readonly description: string | null;
  readonly effort: string | null;
  readonly runId: string | null;
  readonly trackerId: string | null;
  readonly trackerKey: string | null;
  readonly trackerUrl: string | null;
}

export interface NewSubtaskRow {
  readonly code: string;
  readonly title: string;
  readonly description: string;
  readonly effort: string | null;
}

export interface LinkedSubtask {
  readonly code: string;
  readonly id: string;
  readonly key: string;
  readonly url: string;
}

export interface SubtaskRows {
  /**
   * First deletes the story's rows of earlier runs that no longer stand for a child in the tracker
   * (their sub-issue was deleted, or never existed), so their codes are free again; then inserts
   * this run's rows, skipping codes that exist (a resumed job), and returns every row of those
   * codes as stored now, whichever run they belong to.
   */
  saveSubtaskRows(storyId: string, runId: string, keptTrackerIds: readonly string[], rows: readonly NewSubtaskRow[]): Promise<SubtaskRow[]>;
  /** Records the sub-issues this run's rows became, in one statement. */
  linkSubtasks(storyId: string, runId: string, links: readonly LinkedSubtask[]): Promise<void>;
}
