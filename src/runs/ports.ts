// What the run layer needs from the surfaces around it, as ports the composition root fills
// (createCore). The run layer never imports a surface.

/** Where a run is discussed, for links in tracker comments (the run's Slack thread). */
export interface DiscussionLinks {
  /** A link to the run's discussion, or undefined when it has none or it cannot be had; never throws. */
  threadUrl(run: { readonly slackChannel: string | null; readonly slackThreadTs: string | null }): Promise<string | undefined>;
}
