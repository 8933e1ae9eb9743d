// The record of which dependencies exist in the tracker as "blocks" links. The run store
// implements this port (runs/store.ts), as it does SubtaskRows.

/** "blocker blocks blocked": a dependency between two of a run's subtasks of one story, by code. */
export interface SubtaskLinkRow {
  readonly blocker: string;
  readonly blocked: string;
}

export interface SubtaskLinkRows {
  /** The links between this run's subtasks of the story recorded as made in the tracker. */
  recordedLinks(storyId: string, runId: string): Promise<SubtaskLinkRow[]>;
  /** Records links the tracker has now; one recorded already is left as it is. */
  recordLinks(storyId: string, runId: string, links: readonly SubtaskLinkRow[]): Promise<void>;
}
