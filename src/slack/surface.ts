// The Slack surface of the service: the Bolt app and its listeners, and the thread reporter that
// observes runs, on the core's one Web API client. createApp mounts `router` and starts/stops
// the surface.
import type { WebClient } from "@slack/web-api";
import type { Router } from "express";
import { referenceOptions, type Config, type SlackConfig } from "../config/config.ts";
import type { SettingsStore } from "../settings/store.ts";
import type { Trackers } from "../trackers/create-trackers.ts";
import type { TrackerName } from "../trackers/types.ts";
import type { AccessGuard } from "../access/guard.ts";
import type { Logger } from "../log/logger.ts";
import type { RunService } from "../runs/service.ts";
import { createBoltApp } from "./bolt-app.ts";
import { ChannelPacer } from "./channel-pacer.ts";
import type { PaceSchedule } from "./pace-schedule.ts";
import { slackClientOptions, slackErrorCode } from "./client.ts";
import { registerCommandListener } from "./listeners/command.ts";
import { registerEpicReview } from "./listeners/epic-review.ts";
import { registerHomeListener } from "./listeners/home.ts";
import { registerRefine } from "./listeners/refine.ts";
import { registerReviewActions } from "./listeners/review-actions.ts";
import { registerSettings } from "./listeners/settings.ts";
import { SlackReporter } from "./reporter.ts";
import { SlackPermissions } from "./permissions.ts";
import type { ThreadLinks } from "./thread-links.ts";
import { UpdateCoalescer } from "./update-coalescer.ts";

export interface SlackSurfaceDeps {
  readonly config: Config;
  readonly slack: SlackConfig;
  readonly logger: Logger;
  readonly runs: RunService;
  /** The core's Web API client. */
  readonly client: WebClient;
  /** The core's links to run threads (shared with the run layer's tracker comments). */
  readonly links: ThreadLinks;
  /** The core's team settings, edited from App Home. */
  readonly settings: SettingsStore;
  /** The trackers the service really has: a reference to another one is refused up front. */
  readonly trackers: Trackers;
  /** Who may run and see which stories where (the core's guard). */
  readonly access: AccessGuard;
  /** Where the channels' send schedule is kept: the database, so every process keeps Slack's pace together. */
  readonly paceSchedule: PaceSchedule;
  /** At most one parent update per message per interval (Slack: about one per second). */
  readonly updateIntervalMs?: number;
  /** How long /subtasks waits for the run's insert before acknowledging without it (default 2 s). */
  readonly recordWithinMs?: number | undefined;
}

export interface SlackSurface {
  /** HTTP mode: POST /slack/events; Socket Mode: null. */
  readonly router: Router | null;
  readonly reporter: SlackReporter;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createSlackSurface(deps: SlackSurfaceDeps): SlackSurface {
  const { config, slack, runs, client, links } = deps;
  const logger = deps.logger.child({ component: "slack" });
  const coalescer = new UpdateCoalescer({ intervalMs: deps.updateIntervalMs ?? 1000, logger });
  const pacer = new ChannelPacer({ schedule: deps.paceSchedule });
  const reporter = new SlackReporter({ client, runs, coalescer, pacer, logger, defaultChannel: slack.defaultChannel, access: deps.access });
  const permissions = new SlackPermissions(client, logger, config.settingsEditors);
  const bolt = createBoltApp(slack, logger, slackClientOptions(slack, logger));

  const refOptions = referenceOptions(config, Object.keys(deps.trackers) as TrackerName[]);
  registerCommandListener(bolt.app, { runs, access: deps.access, reporter, links, refOptions, logger, recordWithinMs: deps.recordWithinMs });
  registerReviewActions(bolt.app, { runs, reporter, permissions, access: deps.access, logger });
  registerRefine(bolt.app, { client, runs, reporter, permissions, access: deps.access, logger });
  registerSettings(bolt.app, { client, settings: deps.settings, trackers: deps.trackers, permissions, access: deps.access, logger });
  registerHomeListener(bolt.app, { client, runs, links, access: deps.access, logger });
  registerEpicReview(bolt.app, { client, runs, reporter, permissions, access: deps.access, logger });

  let unsubscribe: (() => void) | undefined;
  let unsubscribeChains: (() => void) | undefined;
  // A subtasks run chained on an epic's new stories gets its own message in the stories run's
  // channel before it starts, so its story replies have a parent to go under.
  const openChainedThread = async (runId: string) => {
    const progress = await runs.loadRunProgress(runId);
    if (progress?.run.slackChannel) await reporter.openThread(runId, progress.run.slackChannel, progress.run);
  };
  return {
    router: bolt.router,
    reporter,
    async start() {
      unsubscribe = runs.observe(reporter);
      unsubscribeChains = runs.onChainedRun(openChainedThread);
      checkToken(client, logger);
      await bolt.start();
    },
    async stop() {
      await bolt.stop();
      unsubscribe?.();
      unsubscribeChains?.();
      unsubscribe = undefined;
      unsubscribeChains = undefined;
      // The last state of every parent message goes out before the process ends.
      await coalescer.flush();
      await reporter.idle();
    },
  };
}

/** A wrong token is found at start, in the log, rather than at the first command. Never blocks. */
function checkToken(client: WebClient, logger: Logger): void {
  client.auth
    .test()
    .then(
      (answer) => logger.info({ team: answer.team, bot: answer.user }, "Slack: signed in"),
      (error: unknown) => logger.error({ error: slackErrorCode(error) }, "Slack: SLACK_BOT_TOKEN was refused or Slack is unreachable"),
    );
}
