// What the run layer needs from the surfaces around it, as ports the composition root fills
// (createCore). The run layer never imports a surface.

/** Where a run is discussed, for links in tracker comments (the run's Slack thread). */
export interface DiscussionLinks {
  /** A link to the run's discussion, or undefined when it has none or it cannot be had; never throws. */
  threadUrl(run: { readonly slackChannel: string | null; readonly slackThreadTs: string | null }): Promise<string | undefined>;
}

/**
 * Which stories of a run may be run where the run reports (the access policy, and the requester's
 * own access in the tracker). The resolver leaves the others out; it throws when it cannot tell
 * (a tracker or Slack did not answer), so the resolve job is retried rather than guessing.
 */
export interface StoryAdmission {
  admit(
    run: { readonly trigger: string; readonly requestedBy: string; readonly slackChannel: string | null },
    stories: readonly { readonly tracker: import("../trackers/types.ts").TrackerName; readonly key: string }[],
  ): Promise<readonly boolean[]>;
}
