// Who may do what in Slack. A story in review (Create, Refine…, Regenerate, Discard): the person
// who started the run, or a workspace admin or owner. Team settings: admins and owners, and the
// user ids in SETTINGS_EDITORS. Admin status comes from users.info (scope users:read) and is
// remembered for a few minutes, so a burst of clicks costs one lookup.
// https://docs.slack.dev/reference/methods/users.info
import type { WebClient } from "@slack/web-api";
import type { Logger } from "../log/logger.ts";
import { slackErrorCode } from "./client.ts";

const REMEMBER_MS = 5 * 60_000;

export type ReviewPermission = "requester" | "admin" | "refused" | "unknown";
export type SettingsPermission = "editor" | "admin" | "refused" | "unknown";

export class SlackPermissions {
  private readonly client: WebClient;
  private readonly logger: Logger;
  private readonly settingsEditors: ReadonlySet<string>;
  private readonly admins = new Map<string, { isAdmin: boolean; until: number }>();

  constructor(client: WebClient, logger: Logger, settingsEditors: readonly string[] = []) {
    this.client = client;
    this.logger = logger;
    this.settingsEditors = new Set(settingsEditors);
  }

  /** "unknown": Slack could not tell whether the user is an admin; treated as a refusal. */
  async check(userId: string, run: { readonly requestedBy: string }): Promise<ReviewPermission> {
    if (userId === run.requestedBy) return "requester";
    const admin = await this.isAdmin(userId);
    return admin === null ? "unknown" : admin ? "admin" : "refused";
  }

  async settings(userId: string): Promise<SettingsPermission> {
    if (this.settingsEditors.has(userId)) return "editor";
    const admin = await this.isAdmin(userId);
    return admin === null ? "unknown" : admin ? "admin" : "refused";
  }

  /** null when Slack could not say. */
  private async isAdmin(userId: string): Promise<boolean | null> {
    const remembered = this.admins.get(userId);
    if (remembered && remembered.until > Date.now()) return remembered.isAdmin;
    try {
      const { user } = await this.client.users.info({ user: userId });
      const isAdmin = Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
      this.admins.set(userId, { isAdmin, until: Date.now() + REMEMBER_MS });
      return isAdmin;
    } catch (error) {
      this.logger.warn({ userId, error: slackErrorCode(error) }, "could not look up whether a user is a workspace admin");
      return null;
    }
  }
}
