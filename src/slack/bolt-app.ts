// The Bolt app and the way Slack reaches it, chosen by configuration only: HTTP (an express
// router for POST /slack/events, mounted on the service's own server; commands, interactivity
// and events share the one URL) or Socket Mode when SLACK_APP_TOKEN is set (no public URL).
// Bolt checks every HTTP request's signature on the raw body and refuses a timestamp older than
// five minutes with 401 before any listener runs.
// https://docs.slack.dev/authentication/verifying-requests-from-slack
import { App, ExpressReceiver, SocketModeReceiver, type Authorize } from "@slack/bolt";
import type { WebClientOptions } from "@slack/web-api";
import { Router } from "express";
import type { SlackConfig } from "../config/config.ts";
import type { Logger } from "../log/logger.ts";
import { errorReference, NOTHING_STARTED, somethingWentWrong } from "./blocks/something-went-wrong.ts";
import { slackLogger } from "./bolt-logger.ts";
import { MAX_BODY_BYTES } from "../http/body.ts";
import { slackRequestGuard } from "./request-guard.ts";

export const SLACK_EVENTS_PATH = "/slack/events";

export interface BoltSetup {
  readonly app: App;
  /** HTTP mode: the router to mount; Socket Mode: null. */
  readonly router: Router | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createBoltApp(config: SlackConfig, logger: Logger, clientOptions: WebClientOptions): BoltSetup {
  const log = slackLogger(logger, "slack-bolt");
  // One workspace, one bot token: no per-request auth.test (Bolt's default makes one), so an
  // ack never waits on Slack's API. The token is checked once at start instead.
  const authorize: Authorize<boolean> = async () => ({ botToken: config.botToken });
  // The bot listens to no message events, so there is nothing of its own to ignore.
  const appOptions = { authorize, logger: log, clientOptions, ignoreSelf: false } as const;

  if (config.appToken) {
    const receiver = new SocketModeReceiver({ appToken: config.appToken, logger: log, installerOptions: { clientOptions } });
    const app = new App({ ...appOptions, receiver });
    app.error(async (error) => log.error("Slack listener failed", error));
    return {
      app,
      router: null,
      start: async () => {
        await app.start();
      },
      stop: async () => {
        await app.stop();
      },
    };
  }

  const receiver = new ExpressReceiver({
    signingSecret: config.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    logger: log,
    // Bolt reads bodies without a limit unless given one: the same 1 MB as the webhooks, so a
    // huge body is refused with 413 instead of being held in memory whole.
    bodyLimit: MAX_BODY_BYTES,
    // A listener that fails before acking gets a message for the person, never a bare 500.
    processEventErrorHandler: async ({ error, response }) => {
      const reference = errorReference();
      log.error(`Slack request failed (reference ${reference})`, error);
      if (response.headersSent) return false;
      const answer = somethingWentWrong({ consequence: NOTHING_STARTED, reference });
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ response_type: "ephemeral", text: answer.text, blocks: answer.blocks }));
      return true;
    },
  });
  const app = new App({ ...appOptions, receiver });
  app.error(async (error) => log.error("Slack listener failed", error));
  // The guard reads the body first (Bolt takes req.rawBody when it is there) and turns away what is no Slack request.
  const router = Router().use(slackRequestGuard(SLACK_EVENTS_PATH, config.signingSecret), receiver.router as Router);
  return { app, router, start: async () => undefined, stop: async () => undefined };
}
