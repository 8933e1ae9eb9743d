// Slack's lines of `subtasks doctor`: the token, its scopes, and the default channel.
import type { WebClient } from "@slack/web-api";
import { failed, passed, type Check } from "../operate/checklist.ts";
import { slackErrorCode } from "./client.ts";
import { SLACK_BOT_SCOPES } from "./scopes.ts";

const REINSTALL = "add the missing scopes (paste manifest.yml again under App Manifest), then OAuth & Permissions → Reinstall to Workspace";
/** How far ahead the probe message is scheduled; it is deleted at once and never posted. */
const PROBE_DELAY_S = 600;

export function slackChecks(deps: { readonly client: WebClient; readonly defaultChannel: string | undefined; readonly now?: () => number }): Check[] {
  let granted: readonly string[] | undefined;
  const checks: Check[] = [
    {
      name: "Slack: auth.test",
      async run() {
        try {
          const answer = await deps.client.auth.test();
          granted = answer.response_metadata?.scopes;
          return passed(`signed in as ${answer.user ?? "?"} in ${answer.team ?? "?"}`);
        } catch (error) {
          return failed(`Slack refused the token (${slackErrorCode(error)})`, "check SLACK_BOT_TOKEN (OAuth & Permissions → Bot User OAuth Token, xoxb-…)");
        }
      },
    },
    {
      name: "Slack: scopes",
      needs: "Slack: auth.test",
      async run() {
        if (granted === undefined) return failed("Slack did not say which scopes the token has (no x-oauth-scopes header)", "check SLACK_API_URL: it must be Slack's Web API");
        const missing = SLACK_BOT_SCOPES.filter((scope) => !granted!.includes(scope));
        return missing.length === 0 ? passed(SLACK_BOT_SCOPES.join(", ")) : failed(`missing ${missing.join(", ")}`, REINSTALL);
      },
    },
  ];
  const channel = deps.defaultChannel;
  if (channel) {
    checks.push({
      name: `Slack: channel ${channel}`,
      // Schedules a message and deletes it: a write, so not at every start.
      thorough: true,
      needs: "Slack: auth.test",
      async run() {
        // chat.scheduleMessage answers like chat.postMessage (channel_not_found, not_in_channel,
        // is_archived) without anyone seeing a message.
        try {
          const postAt = Math.floor((deps.now ?? Date.now)() / 1000) + PROBE_DELAY_S;
          const scheduled = await deps.client.chat.scheduleMessage({ channel, text: "subtasks doctor: checking that the bot can post here", post_at: postAt });
          await deps.client.chat.deleteScheduledMessage({ channel: scheduled.channel ?? channel, scheduled_message_id: scheduled.scheduled_message_id! });
          return passed("exists and the bot can post there");
        } catch (error) {
          const code = slackErrorCode(error);
          const fix =
            code === "channel_not_found" ? "set SLACK_DEFAULT_CHANNEL to a channel id (C0123456789) from the channel's details"
            : code === "not_in_channel" ? `invite the bot there: /invite @subtasks in ${channel}`
            : code === "is_archived" ? "unarchive the channel, or choose another in SLACK_DEFAULT_CHANNEL"
            : "check SLACK_DEFAULT_CHANNEL and the bot's chat:write scope";
          return failed(`the bot cannot post there (${code})`, fix);
        }
      },
    });
  }
  return checks;
}
