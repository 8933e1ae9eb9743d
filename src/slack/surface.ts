// The Slack surface of the service, built from configuration: the Bolt app and its listeners,
// the Web API client, the thread reporter that observes runs, and the thread links the run
// layer puts in tracker comments. createApp mounts `router` and starts/stops the surface.
import { WebClient, type WebClientOptions } from "@slack/web-api";
import type { Router } from "express";
import { referenceOptions, type Config, type SlackConfig } from "../config/config.ts";
import type { Trackers } from "../trackers/create-trackers.ts";
import type { TrackerName } from "../trackers/types.ts";
import type { Logger } from "../log/logger.ts";
import type { RunService } from "../runs/service.ts";
import { createBoltApp } from "./bolt-app.ts";
import { slackClientOptions, slackErrorCode } from "./client.ts";
import { registerCommandListener } from "./listeners/command.ts";
import { registerHomeListener } from "./listeners/home.ts";
import { registerReviewActions } from "./listeners/review-actions.ts";
import { SlackReporter } from "./reporter.ts";
import { ReviewPermissions } from "./review-permission.ts";
import { ThreadLinks, type ThreadOf } from "./thread-links.ts";
import { UpdateCoalescer } from "./update-coalescer.ts";

export interface SlackSurfaceDeps {
  readonly config: Config;
  readonly slack: SlackConfig;
  readonly logger: Logger;
  readonly runs: RunService;
  /** The trackers the service really has: a reference to another one is refused up front. */
  readonly trackers: Trackers;
  /** Tests shorten retries. */
  readonly clientOptions?: Partial<WebClientOptions>;
  /** At most one parent update per message per interval (Slack: about one per second). */
  readonly updateIntervalMs?: number;
  /** How long /subtasks waits for the run's insert before acknowledging without it (default 2 s). */
  readonly recordWithinMs?: number;
}

export interface SlackSurface {
  /** HTTP mode: POST /slack/events; Socket Mode: null. */
  readonly router: Router | null;
  readonly reporter: SlackReporter;
  start(): Promise<void>;
  stop(): Promise<void>;
  threadUrl(run: ThreadOf): Promise<string | undefined>;
}

export function createSlackSurface(deps: SlackSurfaceDeps): SlackSurface {
  const { config, slack, runs } = deps;
  const logger = deps.logger.child({ component: "slack" });
  const clientOptions = slackClientOptions(slack, logger, deps.clientOptions);
  const client = new WebClient(slack.botToken, clientOptions);
  const links = new ThreadLinks(client, logger);
  const coalescer = new UpdateCoalescer({ intervalMs: deps.updateIntervalMs ?? 1000, logger });
  const reporter = new SlackReporter({ client, runs, coalescer, logger, defaultChannel: slack.defaultChannel });
  const permissions = new ReviewPermissions(client, logger);
  const bolt = createBoltApp(slack, logger, clientOptions);

  const refOptions = referenceOptions(config, Object.keys(deps.trackers) as TrackerName[]);
  registerCommandListener(bolt.app, { runs, reporter, links, refOptions, logger, recordWithinMs: deps.recordWithinMs });
  registerReviewActions(bolt.app, { runs, reporter, permissions, logger });
  registerHomeListener(bolt.app, { client, runs, links, logger });

  let unsubscribe: (() => void) | undefined;
  return {
    router: bolt.router,
    reporter,
    threadUrl: (run) => links.threadUrl(run),
    async start() {
      unsubscribe = runs.observe(reporter);
      checkToken(slack, clientOptions, logger);
      await bolt.start();
    },
    async stop() {
      await bolt.stop();
      unsubscribe?.();
      unsubscribe = undefined;
      // The last state of every parent message goes out before the process ends.
      await coalescer.flush();
      await reporter.idle();
    },
  };
}

/** A wrong token is found at start, in the log, rather than at the first command. Never blocks. */
function checkToken(slack: SlackConfig, clientOptions: WebClientOptions, logger: Logger): void {
  new WebClient(slack.botToken, { ...clientOptions, retryConfig: { retries: 0 } }).auth
    .test()
    .then(
      (answer) => logger.info({ team: answer.team, bot: answer.user }, "Slack: signed in"),
      (error: unknown) => logger.error({ error: slackErrorCode(error) }, "Slack: SLACK_BOT_TOKEN was refused or Slack is unreachable"),
    );
}
