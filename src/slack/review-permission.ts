// Who may press Create / Regenerate / Discard on a story in review: the person who started the
// run, or a workspace admin or owner (users.info, scope users:read). Answers are remembered for
// a few minutes, so a burst of clicks costs one lookup.
// https://docs.slack.dev/reference/methods/users.info
import type { WebClient } from "@slack/web-api";
import type { Logger } from "../log/logger.ts";
import { slackErrorCode } from "./client.ts";

const REMEMBER_MS = 5 * 60_000;

export type ReviewPermission = "requester" | "admin" | "refused" | "unknown";

export class ReviewPermissions {
  private readonly client: WebClient;
  private readonly logger: Logger;
  private readonly admins = new Map<string, { isAdmin: boolean; until: number }>();

  constructor(client: WebClient, logger: Logger) {
    this.client = client;
    this.logger = logger;
  }

  /** "unknown": Slack could not tell whether the user is an admin; treated as a refusal. */
  async check(userId: string, run: { readonly requestedBy: string }): Promise<ReviewPermission> {
    if (userId === run.requestedBy) return "requester";
    const remembered = this.admins.get(userId);
    if (remembered && remembered.until > Date.now()) return remembered.isAdmin ? "admin" : "refused";
    try {
      const { user } = await this.client.users.info({ user: userId });
      const isAdmin = Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
      this.admins.set(userId, { isAdmin, until: Date.now() + REMEMBER_MS });
      return isAdmin ? "admin" : "refused";
    } catch (error) {
      this.logger.warn({ userId, error: slackErrorCode(error) }, "could not look up whether a user is a workspace admin");
      return "unknown";
    }
  }
}
