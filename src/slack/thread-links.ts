// Links to a run's Slack thread: for the tracker comment on each story, /subtasks status and
// App Home. chat.getPermalink is the documented way to get one; a run's link never changes,
// so it is asked once per process and remembered (a 200-story run costs one call, not 200).
// https://docs.slack.dev/reference/methods/chat.getPermalink
import type { WebClient } from "@slack/web-api";
import type { Logger } from "../log/logger.ts";
import type { DiscussionLinks } from "../runs/ports.ts";
import { slackErrorCode } from "./client.ts";

const REMEMBERED = 2000;

export interface ThreadOf {
  readonly slackChannel: string | null;
  readonly slackThreadTs: string | null;
}

export class ThreadLinks implements DiscussionLinks {
  private readonly client: WebClient;
  private readonly logger: Logger;
  private readonly links = new Map<string, Promise<string | undefined>>();
  private readonly resolved = new Map<string, string>();

  constructor(client: WebClient, logger: Logger) {
    this.client = client;
    this.logger = logger;
  }

  /** The thread's permalink, or undefined when the run has none or Slack cannot say; never throws. */
  threadUrl(run: ThreadOf): Promise<string | undefined> {
    if (!run.slackChannel || !run.slackThreadTs) return Promise.resolve(undefined);
    const key = `${run.slackChannel}/${run.slackThreadTs}`;
    const known = this.links.get(key);
    if (known) return known;
    const asked = this.client.chat
      .getPermalink({ channel: run.slackChannel, message_ts: run.slackThreadTs })
      .then((answer) => {
        if (answer.permalink) this.resolved.set(key, answer.permalink);
        return answer.permalink;
      })
      .catch((error: unknown) => {
        // Not remembered, so the next caller asks again.
        this.links.delete(key);
        this.logger.warn({ channel: run.slackChannel, error: slackErrorCode(error) }, "could not get the permalink of a run thread");
        return undefined;
      });
    this.links.set(key, asked);
    if (this.links.size > REMEMBERED) {
      const oldest = this.links.keys().next().value!;
      this.links.delete(oldest);
      this.resolved.delete(oldest);
    }
    return asked;
  }

  /** Links already known, without asking Slack (for answers that must not wait). */
  knownUrl(run: ThreadOf): string | undefined {
    if (!run.slackChannel || !run.slackThreadTs) return undefined;
    return this.resolved.get(`${run.slackChannel}/${run.slackThreadTs}`);
  }

  /** Links of several runs, by run id; runs without a thread (or a link) are left out. */
  async threadUrls(runs: readonly (ThreadOf & { readonly runId: string })[]): Promise<Map<string, string>> {
    const urls = new Map<string, string>();
    await Promise.all(
      runs.map(async (run) => {
        const url = await this.threadUrl(run);
        if (url) urls.set(run.runId, url);
      }),
    );
    return urls;
  }
}
