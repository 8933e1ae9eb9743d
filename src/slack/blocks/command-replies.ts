// What /subtasks answers the person who typed it (ephemeral: nobody else sees these).
import { trackerEntries, trackerRegistry } from "../../trackers/registry.ts";
import type { TrackerName } from "../../trackers/types.ts";
import type { RunProgress } from "../../runs/progress.ts";
import type { EpicProgress, RunKind, RunOptions, RunSummary } from "../../runs/types.ts";
import { utcMinute, type SpendUsage } from "../../runs/spend-guard.ts";
import type { TrackerRef } from "../../trackers/types.ts";
import { escapeMrkdwn, inlineText, mentionChannel } from "../mrkdwn.ts";
import { context, message, section, type SlackMessage } from "./message.ts";
import { runListLine } from "./run-list.ts";
import { runMessage } from "./run-message.ts";
import { storiesRunMessage } from "./stories-run-message.ts";

export const USAGE =
  "ENG-123 [more keys or links] [--count 3-6|adaptive] [--dry-run] [--review|--no-review] [instruction] | stories EPIC-1 [--count 4-10] [--dry-run] [--no-review] [--then-subtasks] [instruction] | status [run id] | help";

export function helpMessage(command: string, trackers: readonly TrackerName[]): SlackMessage {
  const c = escapeMrkdwn(command);
  const connected =
    trackers.length > 0
      ? `Connected: ${trackers.map((tracker) => trackerRegistry[tracker].displayName).join(" and ")}.`
      : `No tracker is connected yet: the operator must ${trackerEntries.map((entry) => entry.configureHint).join(", or ")}.`;
  return message(`${c} breaks user stories into subtasks. Usage: ${c} ${escapeMrkdwn(USAGE)}`, [
    section(
      [
        `*${c}* breaks user stories into subtasks with Claude and creates them as sub-issues.`,
        `\`${c} ENG-123\` one story`,
        `\`${c} ENG-123 ENG-124\` several stories`,
        `\`${c} https://linear.app/acme/issue/ENG-123\` a link from Linear or Jira`,
        `\`${c} ENG-100\` an epic or a Linear project link: every story in it`,
        `\`${c} ENG-123 backend only, no UI work\` with an instruction for the plan (or in quotes: \`"split the migration out"\`)`,
      ].join("\n"),
    ),
    section(
      [
        "*Options*",
        "`--count 3-6` how many subtasks per story (1 to 15); without it, as many as each story calls for, or none for a small one",
        "`--dry-run` show the subtasks here, create nothing",
        "`--review` show them with Create / Refine… / Regenerate / Discard buttons before anything is created; `--no-review` creates at once even where the team reviews by default",
      ].join("\n"),
    ),
    section(
      [
        "*Stories from an epic*",
        `\`${c} stories ENG-100\` proposes user stories with acceptance criteria for an epic (a Jira Epic, a Linear project, or a Linear issue labelled Epic); you review them before anything is created`,
        "`--no-review` creates them at once · `--then-subtasks` breaks the new stories into subtasks right after · `--count 4-10` how many stories",
      ].join("\n"),
    ),
    section([`\`${c} status\` the latest runs in this channel`, `\`${c} status <run id>\` one run`, `\`${c} help\` this message`].join("\n")),
    context(`Progress goes in one thread per run in this channel. ${connected}`),
  ]);
}

export function problemsMessage(command: string, problems: readonly string[]): SlackMessage {
  const list = problems.slice(0, 10).map((problem) => `• ${inlineText(problem, 400)}`);
  if (problems.length > 10) list.push(`• … and ${problems.length - 10} more`);
  return message(`I could not start that: ${inlineText(problems[0] ?? "", 400)}`, [
    section(`:warning: I could not start that:\n${list.join("\n")}`),
    context(`Usage: \`${escapeMrkdwn(command)} ${escapeMrkdwn(USAGE)}\` · \`${escapeMrkdwn(command)} help\` shows examples.`),
  ]);
}

function modeNote(options: RunOptions, type: RunKind): string {
  if (options.dryRun) return " (dry run: nothing will be created)";
  // Stories wait for review unless --no-review says otherwise (or nobody can review).
  if (type === "GENERATE_STORIES") return options.review === false ? "" : " (review: you approve each epic's stories before anything is created)";
  if (options.review) return " (review: you approve each story before anything is created)";
  return "";
}

export function startedMessage(runId: string, refs: readonly TrackerRef[], options: RunOptions, type: RunKind = "GENERATE_SUBTASKS"): SlackMessage {
  const names = refs.slice(0, 10).map((ref) => `*${inlineText(ref.kind === "project" ? `project ${ref.key}` : ref.key, 80)}*`);
  const more = refs.length > names.length ? ` and ${refs.length - names.length} more` : "";
  const what = type === "GENERATE_STORIES" ? "Writing stories for " : "Starting ";
  const text = `:rocket: ${what}${names.join(", ")}${more}${modeNote(options, type)}. Progress goes in a thread in this channel.`;
  const blocks = [section(text)];
  if (options.instruction) blocks.push(context(`:pencil2: With your instruction: “${inlineText(options.instruction, 500)}”`));
  blocks.push(context(`Run \`${escapeMrkdwn(runId)}\``));
  return message(text, blocks);
}

/** The ack when the database has not recorded the run by the time Slack needs an answer. */
export function recordingSlowMessage(refs: readonly TrackerRef[]): SlackMessage {
  const names = refs.slice(0, 10).map((ref) => `*${inlineText(ref.key, 80)}*`);
  const more = refs.length > names.length ? ` and ${refs.length - names.length} more` : "";
  const text = `:hourglass_flowing_sand: The database is slow to record the run for ${names.join(", ")}${more}. It starts as soon as it is recorded, and I will tell you here either way; no need to type the command again.`;
  return message(text, [section(text)]);
}

export function runListMessage(channel: string, runs: readonly RunSummary[], threadUrls: ReadonlyMap<string, string>, spend: SpendUsage | null = null): SlackMessage {
  const budget = spend ? [context(budgetText(spend))] : [];
  if (runs.length === 0) {
    return message("No runs in this channel yet.", [section(`No runs in ${mentionChannel(channel)} yet. Start one with \`/subtasks ENG-123\`.`), ...budget]);
  }
  const lines = runs.map((run) => runListLine(run, { threadUrl: threadUrls.get(run.runId) }));
  return message(`The latest ${runs.length} runs in this channel`, [
    section(`*The latest runs in ${mentionChannel(channel)}*`),
    ...lines.map((line) => section(line)),
    context("`/subtasks status <run id>` shows one run in full."),
    ...budget,
  ]);
}

/** What is left of each budget, and when it resets; the spend so far where no budget is set. */
export function budgetText(spend: SpendUsage): string {
  const { tokensPerDay, usdPerMonth, runsPerUserHour } = spend.limits;
  const tokens = (value: number) => Math.round(value).toLocaleString("en-US");
  const parts = [
    tokensPerDay === null
      ? `${tokens(spend.day.tokens)} tokens used today (no daily budget)`
      : `${tokens(Math.max(0, tokensPerDay - spend.day.tokens))} of ${tokens(tokensPerDay)} tokens left today (resets ${utcMinute(spend.day.resetsAt)})`,
    usdPerMonth === null
      ? `about $${spend.month.costUsd.toFixed(2)} used this month (no monthly budget)`
      : `about $${Math.max(0, usdPerMonth - spend.month.costUsd).toFixed(2)} of $${usdPerMonth.toFixed(2)} left this month (resets ${utcMinute(spend.month.resetsAt)})`,
    `${runsPerUserHour} runs per person per hour`,
  ];
  return `:moneybag: Budget: ${parts.join(" · ")}`;
}

/** One run in full: a stories run with its epics (`epics`), a subtasks run with its stories. */
export function runStatusMessage(progress: RunProgress, epics: readonly EpicProgress[] = []): SlackMessage {
  return progress.run.type === "GENERATE_STORIES" ? storiesRunMessage(progress.run, epics) : runMessage(progress);
}

export function runNotFoundMessage(runId: string): SlackMessage {
  const text = `There is no run \`${escapeMrkdwn(runId)}\`. \`/subtasks status\` lists the latest runs in this channel.`;
  return message(text, [section(text)]);
}

export function postFailedMessage(channel: string, runId: string, slackError: string): SlackMessage {
  const reason =
    slackError === "not_in_channel" || slackError === "channel_not_found"
      ? `I am not a member of ${mentionChannel(channel)}, so I cannot post its progress there. Invite me with \`/invite @subtasks\`, or run the command in a channel I am in.`
      : slackError === "is_archived"
        ? "This channel is archived, so I cannot post its progress here."
        : `Slack refused my message (${inlineText(slackError, 100)}), so the progress thread is missing.`;
  const text = `:warning: ${reason} The run goes on anyway: \`/subtasks status ${escapeMrkdwn(runId)}\` shows how it went.`;
  return message(text, [section(text)]);
}

/** A refusal by the access policy; it names nothing of the story (see access/guard.ts). */
export function accessRefusedMessage(reason: string): SlackMessage {
  const text = `:no_entry: ${reason}`;
  return message(text, [section(text)]);
}
