// The one Slack Web API client of the service, built from configuration. Rate limits are
// handled by the client itself: on a 429 it pauses its queue for the Retry-After Slack gave,
// then retries (rejectRateLimitedCalls: false); other failures are retried with back-off.
// https://docs.slack.dev/tools/node-slack-sdk/web-api#rate-limits
import { WebClient, type WebClientOptions } from "@slack/web-api";
import type { SlackConfig } from "../config/config.ts";
import type { Logger } from "../log/logger.ts";
import { slackLogger } from "./bolt-logger.ts";

/**
 * About a minute and a half of retries for outages (0.25 s, 0.6 s, 1.6 s, 4 s … randomised);
 * a 429 waits its Retry-After first. The library's default (ten retries over thirty minutes)
 * would keep a run's thread silent far longer than anyone waits.
 */
export const SLACK_RETRY: NonNullable<WebClientOptions["retryConfig"]> = {
  retries: 6,
  factor: 2.5,
  minTimeout: 250,
  maxTimeout: 60_000,
  randomize: true,
};

/** WebClient joins the method name to the base URL as is: it must end in a slash. */
export function slackApiBaseUrl(apiUrl: string): string {
  return apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`;
}

export function slackClientOptions(config: SlackConfig, logger: Logger, overrides: Partial<WebClientOptions> = {}): WebClientOptions {
  return {
    slackApiUrl: slackApiBaseUrl(config.apiUrl),
    logger: slackLogger(logger, "slack-web-api"),
    retryConfig: SLACK_RETRY,
    rejectRateLimitedCalls: false,
    timeout: 30_000,
    ...overrides,
  };
}

export function createSlackClient(config: SlackConfig, logger: Logger, overrides: Partial<WebClientOptions> = {}): WebClient {
  return new WebClient(config.botToken, slackClientOptions(config, logger, overrides));
}

/** Slack's error code ("not_in_channel", "ratelimited"…) of a failed call, for messages and logs. */
export function slackErrorCode(error: unknown): string {
  const data = (error as { data?: { error?: unknown } } | null)?.data;
  if (data && typeof data.error === "string") return data.error;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
}
