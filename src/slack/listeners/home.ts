// App Home: when a person opens the bot's Home tab, publish their recent runs and a how-to.
// https://docs.slack.dev/reference/events/app_home_opened
import type { App } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { AccessGuard } from "../../access/guard.ts";
import type { Logger } from "../../log/logger.ts";
import type { RunService } from "../../runs/service.ts";
import { homeView } from "../blocks/home.ts";
import { slackErrorCode } from "../client.ts";
import type { ThreadLinks } from "../thread-links.ts";

export interface HomeDeps {
  readonly client: WebClient;
  readonly runs: Pick<RunService, "listRuns">;
  readonly links: Pick<ThreadLinks, "threadUrls">;
  /** With linked identity, runs on stories the person can no longer open are not listed. */
  readonly access: Pick<AccessGuard, "check">;
  readonly logger: Logger;
}

const HOME_RUNS = 10;

export function registerHomeListener(app: App, deps: HomeDeps): void {
  // Events are acknowledged by Bolt before this runs.
  app.event("app_home_opened", async ({ event }) => {
    if (event.tab !== "home") return;
    await publishHome(deps, event.user);
  });
}

export async function publishHome(deps: HomeDeps, userId: string): Promise<void> {
  try {
    const runs = [];
    for (const run of await deps.runs.listRuns({ requestedBy: userId, limit: HOME_RUNS })) {
      // The run's targets as recorded; a Linear project link names no team and is checked by its stories when run.
      const items = run.targets.filter((ref) => ref.kind === "issue").map((ref) => ({ tracker: ref.tracker, key: ref.key }));
      if ((await deps.access.check({ userId, channel: null, items, action: "home" })).allowed) runs.push(run);
    }
    const threadUrls = await deps.links.threadUrls(runs);
    await deps.client.views.publish({ user_id: userId, view: homeView({ runs, threadUrls }) });
  } catch (error) {
    deps.logger.warn({ userId, error: slackErrorCode(error) }, "could not publish App Home");
  }
}
