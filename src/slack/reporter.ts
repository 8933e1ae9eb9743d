// Turns run events into the run's Slack thread: the parent message, updated in place as stories
// finish (coalesced), and one reply per finished story (or per story waiting for review).
// Everything is rendered from the database (loadRunProgress, and story events that the run layer
// loads from it), because any process may finish a story; what is remembered here only saves
// calls. The parent's ts is saved on the Run and each reply's ts on its RunStory, so a restarted
// process edits the messages it finds instead of posting them again.
//
// Every post and update waits for its channel's turn (ChannelPacer: Slack's one message per
// second per channel), so Slack is not asked more than it allows. Finished stories queue for
// the thread; when several wait for the channel, they go out together in one reply.
import type { AccessGuard } from "../access/guard.ts";
import { trackerOfKind } from "../trackers/registry.ts";
import type { WebClient } from "@slack/web-api";
import type { Logger } from "../log/logger.ts";
import type { RunProgress } from "../runs/progress.ts";
import type { RunService } from "../runs/service.ts";
import type { EpicProgress, RunObserver, RunSummary, StoryProgress } from "../runs/types.ts";
import { epicReply, isEpicAwaitingReview, isEpicFinal } from "./blocks/epic-reply.ts";
import { storiesRunMessage, storiesRunMilestone } from "./blocks/stories-run-message.ts";
import { filledSegments, PROGRESS_BAR_WIDTH } from "./blocks/format.ts";
import type { SlackMessage } from "./blocks/message.ts";
import { isRunOver } from "../runs/states.ts";
import { runMessage, runStatusText, tallyStories } from "./blocks/run-message.ts";
import { storyReply, type Decided } from "./blocks/story-reply.ts";
import { groupedReply } from "./blocks/story-replies.ts";
import type { ChannelPacer } from "./channel-pacer.ts";
import { isAwaitingReview, isFinal, isWaitingForSpend } from "./blocks/story-status.ts";
import { slackErrorCode } from "./client.ts";
import type { UpdateCoalescer } from "./update-coalescer.ts";

export type ReporterRuns = Pick<RunService, "loadRunProgress" | "setRunThread" | "setStoryReply" | "loadEpicsOfRun" | "loadEpicProgress" | "setEpicReply" | "markReported">;

export interface ReporterDeps {
  readonly client: WebClient;
  readonly runs: ReporterRuns;
  readonly coalescer: UpdateCoalescer;
  readonly pacer: ChannelPacer;
  readonly logger: Logger;
  /** SLACK_DEFAULT_CHANNEL: where runs started by a tracker label report. */
  readonly defaultChannel?: string | undefined;
  /** A label run reports in the default channel only where the access policy allows its stories. */
  readonly access?: Pick<AccessGuard, "channelAllows">;
}

export type OpenThreadResult = { readonly ok: true; readonly channel: string; readonly ts: string } | { readonly ok: false; readonly error: string };

/** What this process knows about one run's thread. */
interface RunThread {
  readonly run: RunSummary;
  channel: string | null;
  ts: string | null;
  /** Reply ts per run story, as posted by this process. */
  readonly replies: Map<string, string>;
  /** The last content sent per reply, to skip updates that change nothing. */
  readonly sent: Map<string, string>;
  /** Finished stories waiting for their first reply, in the order they finished. */
  readonly backlog: Map<string, StoryProgress>;
  /** Stories whose reply is shared with others: never edited as a story of its own. */
  readonly grouped: Set<string>;
  /** Reply posts and edits of this run, one at a time and in order. */
  chain: Promise<void>;
  /** The parent state last sent (see milestone). */
  lastMilestone: string | null;
}

const REMEMBERED_RUNS = 500;
/** Finished stories waiting for a busy channel from which their replies are grouped. */
const GROUP_FROM_BACKLOG = 3;

/**
 * What makes a parent update worth a Slack call: the status line and the filled segments of
 * the progress bar. A run of any size changes these a bounded number of times (the bar has at
 * most ten segments), so a 200-story run costs about ten parent updates, while a 5-story run
 * updates on every story. The final state always differs (its status changes), so it is sent.
 */
export function parentMilestone(progress: RunProgress): string {
  const tally = tallyStories(progress.stories);
  return [
    runStatusText(progress.run, tally),
    tally.total,
    filledSegments(tally.finished, tally.total),
    tally.failed > 0,
    // Small runs show every count; large ones only whether anything waits.
    tally.total <= PROGRESS_BAR_WIDTH ? tally.awaiting : tally.awaiting > 0,
    progress.run.errorMsg ?? "",
  ].join("|");
}

export class SlackReporter implements RunObserver {
  private readonly deps: ReporterDeps;
  private readonly threads = new Map<string, Promise<RunThread | null>>();
  private readonly decisions = new Map<string, Decided>();
  private readonly pending = new Set<Promise<unknown>>();

  constructor(deps: ReporterDeps) {
    this.deps = deps;
  }

  /**
   * Posts the run's parent message in `channel` and saves its ts on the Run. Called by the
   * slash command after its ack, and for label runs when they start.
   */
  /** Posts the run's parent message; `recorded` (a run just created) saves reading it back. */
  async openThread(runId: string, channel: string, recorded?: RunSummary): Promise<OpenThreadResult> {
    const opened = this.postParent(runId, channel, recorded);
    this.threads.set(runId, opened.then((result) => result.thread));
    this.forgetOldest();
    const result = await opened;
    return result.outcome;
  }

  onRunStarted(run: RunSummary, stories: readonly StoryProgress[] = []): void {
    if (!run.slackThreadTs && this.defaultChannelFor(run, stories)) {
      this.track(this.openThread(run.runId, this.deps.defaultChannel!));
      return;
    }
    this.requestParentUpdate(run.runId);
  }

  onStoryUpdate(story: StoryProgress): void {
    this.track(this.reply(story));
    if (isFinal(story) || isAwaitingReview(story) || isWaitingForSpend(story)) this.requestParentUpdate(story.runId);
  }

  onEpicUpdate(epic: EpicProgress): void {
    this.track(this.replyEpic(epic));
    if (isEpicFinal(epic) || isEpicAwaitingReview(epic)) this.requestParentUpdate(epic.runId);
  }

  onRunComplete(run: RunSummary, stories: readonly StoryProgress[] = []): void {
    // A label run that failed before it had stories never started: it still gets its message.
    if (!run.slackThreadTs && !this.threads.has(run.runId) && this.defaultChannelFor(run, stories)) {
      this.track(this.openThread(run.runId, this.deps.defaultChannel!));
      return;
    }
    this.requestParentUpdate(run.runId);
  }

  /**
   * Shows who decided on a story in review: the reply is re-rendered from the database with the
   * decision noted, in the run's order of reply edits.
   */
  showDecision(runId: string, runStoryId: string, decided: Decided): Promise<void> {
    this.decisions.set(runStoryId, decided);
    const shown = this.threadFor(runId).then(async (thread) => {
      if (!thread) return;
      await this.enqueue(thread, async () => {
        const progress = await this.deps.runs.loadRunProgress(runId);
        const story = progress?.stories.find((candidate) => candidate.runStoryId === runStoryId);
        if (story) await this.sendReply(thread, story, true);
      });
    });
    this.track(shown);
    return shown;
  }

  /** As showDecision, for an epic of a stories run. */
  showEpicDecision(runId: string, runEpicId: string, decided: Decided): Promise<void> {
    this.decisions.set(runEpicId, decided);
    const shown = this.threadFor(runId).then(async (thread) => {
      if (!thread) return;
      await this.enqueue(thread, async () => {
        const epic = await this.deps.runs.loadEpicProgress(runEpicId);
        if (epic) await this.sendEpicReply(thread, epic, true);
      });
    });
    this.track(shown);
    return shown;
  }

  /** Resolves when every Slack call started so far has settled (shutdown and tests). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await this.deps.coalescer.idle();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Whether a label run reports in SLACK_DEFAULT_CHANNEL: only when the policy lets that channel show every story it holds. */
  private defaultChannelFor(run: RunSummary, stories: readonly StoryProgress[]): boolean {
    const channel = this.deps.defaultChannel;
    // Runs started in the tracker (a label, a Linear agent session) are summarised there too.
    if ((run.trigger !== "TRACKER_LABEL" && run.trigger !== "LINEAR_AGENT") || run.slackChannel || !channel) return false;
    const items =
      stories.length > 0
        ? stories.map((story) => ({ tracker: trackerOfKind(story.tracker).name, key: story.storyKey }))
        : run.targets.filter((ref) => ref.kind === "issue").map((ref) => ({ tracker: ref.tracker, key: ref.key }));
    const allowed = !this.deps.access || items.every((item) => this.deps.access!.channelAllows(channel, item));
    if (!allowed) this.deps.logger.info({ runId: run.runId, channel }, "label run not posted: the access policy does not allow its stories in the default channel");
    return allowed;
  }

  private async postParent(
    runId: string,
    channel: string,
    recorded?: RunSummary,
  ): Promise<{ outcome: OpenThreadResult; thread: RunThread | null }> {
    const progress = recorded ? { run: recorded, stories: [] } : await this.deps.runs.loadRunProgress(runId);
    if (!progress) return { outcome: { ok: false, error: "run_not_found" }, thread: null };
    const parent = await this.parentOf(progress);
    const content = parent.content;
    let posted: { channel: string; ts: string };
    try {
      await this.deps.pacer.take(channel);
      const answer = await this.deps.client.chat.postMessage({ channel, ...content, unfurl_links: false, unfurl_media: false });
      posted = { channel: answer.channel ?? channel, ts: answer.ts! };
    } catch (error) {
      const code = slackErrorCode(error);
      this.deps.logger.warn({ runId, channel, error: code }, "could not post the run's message in Slack");
      return { outcome: { ok: false, error: code }, thread: null };
    }
    await this.deps.runs.setRunThread(runId, posted.channel, posted.ts);
    const thread: RunThread = {
      run: { ...progress.run, slackChannel: posted.channel, slackThreadTs: posted.ts },
      channel: posted.channel,
      ts: posted.ts,
      replies: new Map(),
      sent: new Map(),
      backlog: new Map(),
      grouped: new Set(),
      chain: Promise.resolve(),
      lastMilestone: parent.milestone,
    };
    // No update is requested here: an event of this run that came while the message was being
    // posted requested its own, which waits for this thread (threadFor) and then compares
    // milestones. Asking anyway would read the run back once per command for nothing.
    return { outcome: { ok: true, ...posted }, thread };
  }

  /** The run's thread, from memory or the database; null when the run has no Slack thread. */
  private threadFor(runId: string): Promise<RunThread | null> {
    const known = this.threads.get(runId);
    if (known) return known;
    const loaded = this.deps.runs.loadRunProgress(runId).then((progress): RunThread | null => {
      const run = progress?.run;
      if (!run?.slackChannel || !run.slackThreadTs) return null;
      return {
        run,
        channel: run.slackChannel,
        ts: run.slackThreadTs,
        replies: new Map(),
        sent: new Map(),
        backlog: new Map(),
        grouped: new Set(),
        chain: Promise.resolve(),
        lastMilestone: null,
      };
    });
    this.threads.set(runId, loaded);
    // A failed load is not remembered.
    loaded.catch(() => this.threads.delete(runId));
    this.forgetOldest();
    return loaded;
  }

  private forgetOldest(): void {
    while (this.threads.size > REMEMBERED_RUNS) this.threads.delete(this.threads.keys().next().value!);
  }

  private async reply(story: StoryProgress): Promise<void> {
    const thread = await this.threadFor(story.runId);
    if (!thread) return;
    const firstReply = !thread.replies.has(story.runStoryId) && !story.slackReplyTs;
    if (firstReply && isFinal(story) && !this.decisions.has(story.runStoryId)) {
      thread.backlog.set(story.runStoryId, story);
      await this.enqueue(thread, () => this.sendBacklog(thread));
      return;
    }
    await this.enqueue(thread, () => this.sendReply(thread, story, false));
  }

  /**
   * Posts the first replies of the finished stories waiting, once the channel allows: one
   * story's reply, or several in one message when more finished while the channel was busy.
   */
  private async sendBacklog(thread: RunThread): Promise<void> {
    if (thread.backlog.size === 0) return;
    const waitedMs = await this.deps.pacer.take(thread.channel!);
    // A channel that keeps up gets one reply per story; one that is behind, with a backlog
    // growing, gets them together.
    const behind = waitedMs > 0 && thread.backlog.size >= GROUP_FROM_BACKLOG;
    const waiting = behind ? [...thread.backlog.values()] : [thread.backlog.values().next().value!];
    const { message: content, count } = groupedReply(thread.run, waiting);
    const stories = waiting.slice(0, count);
    for (const story of stories) thread.backlog.delete(story.runStoryId);
    try {
      const ts = await this.postInThread(thread, content);
      for (const story of stories) {
        thread.replies.set(story.runStoryId, ts);
        if (count > 1) thread.grouped.add(story.runStoryId);
        else thread.sent.set(story.runStoryId, JSON.stringify(content));
      }
      await Promise.all(stories.map((story) => this.deps.runs.setStoryReply(story.runStoryId, ts)));
    } catch (error) {
      const keys = stories.map((story) => story.storyKey);
      this.deps.logger.warn({ runId: thread.run.runId, stories: keys, error: slackErrorCode(error) }, "could not post stories' reply in Slack");
    }
    // Those that did not fit go next.
    if (thread.backlog.size > 0) void this.enqueue(thread, () => this.sendBacklog(thread));
  }

  /** Posts the story's reply, or edits the one it has; stories still at work get none yet. */
  private async sendReply(thread: RunThread, story: StoryProgress, force: boolean): Promise<void> {
    const ts = thread.replies.get(story.runStoryId) ?? story.slackReplyTs;
    if (!ts && !isFinal(story) && !isAwaitingReview(story) && !isWaitingForSpend(story) && !force) return;
    if (ts && thread.grouped.has(story.runStoryId) && !force) return;
    const content: SlackMessage = storyReply(thread.run, story, this.decisions.get(story.runStoryId));
    const rendered = JSON.stringify(content);
    if (ts && thread.sent.get(story.runStoryId) === rendered) return;
    try {
      await this.deps.pacer.take(thread.channel!);
      if (ts) {
        await this.deps.client.chat.update({ channel: thread.channel!, ts, ...content });
      } else {
        const replyTs = await this.postInThread(thread, content);
        thread.replies.set(story.runStoryId, replyTs);
        await this.deps.runs.setStoryReply(story.runStoryId, replyTs);
      }
      thread.sent.set(story.runStoryId, rendered);
    } catch (error) {
      this.deps.logger.warn({ runId: story.runId, story: story.storyKey, error: slackErrorCode(error) }, "could not post a story's reply in Slack");
    }
  }

  /** The parent message of a run and what makes an update of it worth a call, for either kind of run. */
  private async parentOf(progress: RunProgress): Promise<{ content: SlackMessage; milestone: string }> {
    if (progress.run.type !== "GENERATE_STORIES") return { content: runMessage(progress), milestone: parentMilestone(progress) };
    const epics = progress.run.status === "QUEUED" ? [] : await this.deps.runs.loadEpicsOfRun(progress.run.runId);
    return { content: storiesRunMessage(progress.run, epics), milestone: storiesRunMilestone(progress.run, epics) };
  }

  private async replyEpic(epic: EpicProgress): Promise<void> {
    const thread = await this.threadFor(epic.runId);
    if (!thread) return;
    await this.enqueue(thread, () => this.sendEpicReply(thread, epic, false));
  }

  /** Posts the epic's reply, or edits the one it has; epics still at work get none yet. */
  private async sendEpicReply(thread: RunThread, epic: EpicProgress, force: boolean): Promise<void> {
    const ts = thread.replies.get(epic.runEpicId) ?? epic.slackReplyTs;
    if (!ts && !isEpicFinal(epic) && !isEpicAwaitingReview(epic) && !force) return;
    const content = epicReply(thread.run, epic, this.decisions.get(epic.runEpicId));
    const rendered = JSON.stringify(content);
    if (ts && thread.sent.get(epic.runEpicId) === rendered) return;
    try {
      await this.deps.pacer.take(thread.channel!);
      if (ts) {
        await this.deps.client.chat.update({ channel: thread.channel!, ts, ...content });
      } else {
        const posted = await this.postInThread(thread, content);
        thread.replies.set(epic.runEpicId, posted);
        await this.deps.runs.setEpicReply(epic.runEpicId, posted);
      }
      thread.sent.set(epic.runEpicId, rendered);
    } catch (error) {
      this.deps.logger.warn({ runId: epic.runId, epic: epic.epicKey, error: slackErrorCode(error) }, "could not post an epic's reply in Slack");
    }
  }

  /** Posts a reply in the run's thread; its ts. */
  private async postInThread(thread: RunThread, content: SlackMessage): Promise<string> {
    const answer = await this.deps.client.chat.postMessage({
      channel: thread.channel!,
      thread_ts: thread.ts!,
      ...content,
      unfurl_links: false,
      unfurl_media: false,
    });
    return answer.ts!;
  }

  private requestParentUpdate(runId: string): void {
    this.deps.coalescer.request(runId, () => this.sendParent(runId));
  }

  private async sendParent(runId: string): Promise<void> {
    const thread = await this.threadFor(runId);
    if (!thread) return;
    let progress = await this.deps.runs.loadRunProgress(runId);
    if (!progress) return;
    if ((await this.parentOf(progress)).milestone === thread.lastMilestone) {
      // Already shown by this process; a finished run's message is then final.
      if (isRunOver(progress.run.status)) await this.deps.runs.markReported(runId);
      return;
    }
    await this.deps.pacer.take(thread.channel!);
    // The state may have moved on while the channel was busy: send the latest.
    progress = (await this.deps.runs.loadRunProgress(runId)) ?? progress;
    const parent = await this.parentOf(progress);
    const milestone = parent.milestone;
    try {
      await this.deps.client.chat.update({ channel: thread.channel!, ts: thread.ts!, ...parent.content });
      thread.lastMilestone = milestone;
    } catch (error) {
      this.deps.logger.warn({ runId, error: slackErrorCode(error) }, "could not update the run's message in Slack");
      return;
    }
    if (isRunOver(progress.run.status)) {
      await this.deps.runs.markReported(runId);
      // The run is over: once its last replies are out, nothing more is kept for it.
      void thread.chain.then(() => {
        if (this.threads.get(runId) !== undefined) this.threads.delete(runId);
        for (const story of progress.stories) this.decisions.delete(story.runStoryId);
      });
    }
  }

  private enqueue(thread: RunThread, step: () => Promise<void>): Promise<void> {
    const next = thread.chain.then(step, step);
    thread.chain = next.catch(() => undefined);
    return next;
  }

  private track(work: Promise<unknown>): void {
    const settled = work
      .catch((error: unknown) => this.deps.logger.error({ err: error }, "Slack reporter failed"))
      .finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }
}
