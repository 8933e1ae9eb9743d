// /subtasks: parse, record the run (one insert), ack — then, after the ack, post the run's
// parent message and hand the run to the queue. Nothing the person waits for touches a
// tracker, the model or Slack's API. Every way it can go wrong ends in a message to them.
// https://docs.slack.dev/interactivity/implementing-slash-commands#responding_to_commands
import type { App, RespondArguments, RespondFn, SlashCommand } from "@slack/bolt";
import { settleWithin } from "../../async/deadline.ts";
import type { AccessGuard } from "../../access/guard.ts";
import { trackerOfKind } from "../../trackers/registry.ts";
import type { Logger } from "../../log/logger.ts";
import type { RunService } from "../../runs/service.ts";
import type { TrackerRef } from "../../trackers/types.ts";
import type { RunKind, RunOptions } from "../../runs/types.ts";
import type { ParseRefOptions } from "../../trackers/parse-ref.ts";
import type { SlackMessage } from "../blocks/message.ts";
import {
  accessRefusedMessage,
  helpMessage,
  postFailedMessage,
  problemsMessage,
  recordingSlowMessage,
  runListMessage,
  runNotFoundMessage,
  runStatusMessage,
  startedMessage,
} from "../blocks/command-replies.ts";
import { errorReference, NOTHING_STARTED, somethingWentWrong } from "../blocks/something-went-wrong.ts";
import { slackErrorCode } from "../client.ts";
import { parseCommand } from "../command-grammar.ts";
import type { SlackReporter } from "../reporter.ts";
import type { ThreadLinks } from "../thread-links.ts";

export interface CommandDeps {
  readonly runs: Pick<RunService, "createRun" | "enqueueRun" | "listRuns" | "loadRunProgress" | "loadEpicsOfRun" | "spendUsage">;
  readonly access: Pick<AccessGuard, "check">;
  readonly reporter: Pick<SlackReporter, "openThread">;
  readonly links: Pick<ThreadLinks, "knownUrl">;
  readonly refOptions: ParseRefOptions;
  readonly logger: Logger;
  /** How long the ack may wait for the run's insert (ms); default RECORD_WITHIN_MS. */
  readonly recordWithinMs?: number;
}

/**
 * Slack shows the person an error when a command is not acknowledged within 3 s. The ack waits
 * for the run's insert at most this long, which leaves room for the network; a slower insert
 * is acknowledged with a "recording" message and its outcome follows through response_url.
 */
export const RECORD_WITHIN_MS = 2_000;

type Ack = (response?: string | RespondArguments) => Promise<void>;

const STATUS_RUNS = 5;

function ephemeral(content: SlackMessage): RespondArguments {
  return { response_type: "ephemeral", text: content.text, blocks: content.blocks };
}

export function registerCommandListener(app: App, deps: CommandDeps): void {
  // Any command name: an operator who renames /subtasks in the manifest still gets answers.
  app.command(/^\/.+/, async ({ command, ack, respond }) => {
    await handleCommand(deps, command, ack, respond);
  });
}

export async function handleCommand(deps: CommandDeps, command: SlashCommand, ack: Ack, respond: RespondFn): Promise<void> {
  const parsed = parseCommand(command.text ?? "", deps.refOptions);
  try {
    switch (parsed.kind) {
      case "help":
        return await ack(ephemeral(helpMessage(command.command, deps.refOptions.configured)));
      case "invalid":
        return await ack(ephemeral(problemsMessage(command.command, parsed.problems)));
      case "status":
        return await ack(ephemeral(await statusReply(deps, command, parsed.runId)));
      case "run":
        return await startRun(deps, command, "GENERATE_SUBTASKS", parsed.refs, parsed.options, ack, respond);
      case "stories":
        return await startRun(deps, command, "GENERATE_STORIES", parsed.refs, parsed.options, ack, respond);
    }
  } catch (error) {
    // Only reached before the ack (the run path handles its own failures after it).
    const reference = errorReference();
    deps.logger.error({ err: error, reference, command: command.command, kind: parsed.kind }, "slash command failed");
    await ack(ephemeral(somethingWentWrong({ doing: "handling the command", consequence: NOTHING_STARTED, reference })));
  }
}

async function statusReply(deps: CommandDeps, command: SlashCommand, runId: string | undefined): Promise<SlackMessage> {
  const channel = command.channel_id;
  if (runId) {
    const progress = await deps.runs.loadRunProgress(runId);
    if (!progress) return runNotFoundMessage(runId);
    // A run of another channel is shown here only if its stories (or a stories run's epics) may be shown here.
    const shown = progress.stories.length > 0
      ? progress.stories.map((story) => ({ tracker: trackerOfKind(story.tracker).name, key: story.storyKey }))
      : progress.run.targets.filter((ref) => ref.kind === "issue").map((ref) => ({ tracker: ref.tracker, key: ref.key }));
    const decision = await deps.access.check({ userId: command.user_id, channel, items: shown, action: "status" });
    if (!decision.allowed) return accessRefusedMessage(decision.message);
    return runStatusMessage(progress, progress.run.type === "GENERATE_STORIES" ? await deps.runs.loadEpicsOfRun(runId) : []);
  }
  const [runs, spend] = await Promise.all([deps.runs.listRuns({ slackChannel: channel, limit: STATUS_RUNS }), deps.runs.spendUsage()]);
  // Only links already known: the answer must not wait on Slack.
  const urls = new Map<string, string>();
  for (const run of runs) {
    const url = deps.links.knownUrl(run);
    if (url) urls.set(run.runId, url);
  }
  return runListMessage(channel, runs, urls, spend);
}

async function startRun(
  deps: CommandDeps,
  command: SlashCommand,
  type: RunKind,
  refs: readonly TrackerRef[],
  options: RunOptions,
  ack: Ack,
  respond: RespondFn,
): Promise<void> {
  const record = () =>
    deps.runs
      .createRun({
        type,
        trigger: "SLASH_COMMAND",
        refs,
        requestedBy: command.user_id,
        requestedByName: command.user_name,
        slack: { channel: command.channel_id, teamId: command.team_id },
        options,
      })
      .then((created) => {
        if (created.duplicate || !created.runId) throw new Error("the run was not recorded");
        return { runId: created.runId, run: created.run };
      });
  type Recorded = Awaited<ReturnType<typeof record>>;
  // Issue keys name their team or project; the stories of a Linear project link are checked one
  // by one once they are known (the resolver asks the same guard).
  const items = refs.filter((ref) => ref.kind === "issue").map((ref) => ({ tracker: ref.tracker, key: ref.key }));
  const recording = (async (): Promise<Recorded | { refused: string }> => {
    const decision = await deps.access.check({ userId: command.user_id, channel: command.channel_id, items, action: "run" });
    return decision.allowed ? record() : { refused: decision.message };
  })();
  const first = await settleWithin(recording, deps.recordWithinMs ?? RECORD_WITHIN_MS);
  let created: Recorded;
  if (first.inTime) {
    if ("refused" in first.value) return await ack(ephemeral(accessRefusedMessage(first.value.refused)));
    created = first.value;
    await ack(ephemeral(startedMessage(created.runId, refs, options, type)));
  } else {
    // The insert goes on; the person hears now, and again once it settles.
    await ack(ephemeral(recordingSlowMessage(refs)));
    try {
      const settled = await recording;
      if ("refused" in settled) {
        await respond(ephemeral(accessRefusedMessage(settled.refused))).catch((error: unknown) =>
          deps.logger.warn({ error: slackErrorCode(error) }, "could not tell the person that access was refused"),
        );
        return;
      }
      created = settled;
    } catch (error) {
      const reference = errorReference();
      deps.logger.error({ err: error, reference, command: command.command }, "a run could not be recorded after the ack");
      await respond(ephemeral(somethingWentWrong({ doing: "recording the run", consequence: NOTHING_STARTED, reference }))).catch((respondError: unknown) =>
        deps.logger.warn({ reference, error: slackErrorCode(respondError) }, "could not tell the person that the run was not recorded"),
      );
      return;
    }
    await respond(ephemeral(startedMessage(created.runId, refs, options, type))).catch((error: unknown) =>
      deps.logger.warn({ runId: created.runId, error: slackErrorCode(error) }, "could not tell the person that the run was recorded"),
    );
  }
  const { runId } = created;

  // After the ack: the thread first, so every story reply has a parent to go under.
  const thread = await deps.reporter
    .openThread(runId, command.channel_id, created.run)
    .catch((error: unknown) => ({ ok: false as const, error: slackErrorCode(error) }));
  if (!thread.ok) {
    await respond(ephemeral(postFailedMessage(command.channel_id, runId, thread.error))).catch((error: unknown) =>
      deps.logger.warn({ runId, error: slackErrorCode(error) }, "could not tell the person that the run's message failed"),
    );
  }
  // A run whose enqueue fails is still recorded as QUEUED: the sweeper hands it to the queue.
  await deps.runs.enqueueRun(runId).catch((error: unknown) => deps.logger.error({ err: error, runId }, "could not enqueue a run; the sweeper will"));
}
