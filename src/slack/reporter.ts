// Turns run events into the run's Slack thread: the parent message, updated in place as stories
// finish (coalesced), and one reply per finished story (or per story waiting for review).
// Everything is rendered from the database (loadRunProgress, and story events that the run layer
// loads from it), because any process may finish a story; what is remembered here only saves
// calls. The parent's ts is saved on the Run and each reply's ts on its RunStory, so a restarted
// process edits the messages it finds instead of posting them again.
import type { AccessGuard } from "../access/guard.ts";
import { trackerOfKind } from "../trackers/registry.ts";
import type { WebClient } from "@slack/web-api";
import type { Logger } from "../log/logger.ts";
import type { RunProgress } from "../runs/progress.ts";
import type { RunService } from "../runs/service.ts";
import type { RunObserver, RunSummary, StoryProgress } from "../runs/types.ts";
import { filledSegments, PROGRESS_BAR_WIDTH } from "./blocks/format.ts";
import type { SlackMessage } from "./blocks/message.ts";
import { isRunOver } from "../runs/states.ts";
import { runMessage, runStatusText, tallyStories } from "./blocks/run-message.ts";
import { storyReply, type Decided } from "./blocks/story-reply.ts";
import { isAwaitingReview, isFinal, isWaitingForSpend } from "./blocks/story-status.ts";
import { slackErrorCode } from "./client.ts";
import type { UpdateCoalescer } from "./update-coalescer.ts";

export type ReporterRuns = Pick<RunService, "loadRunProgress" | "setRunThread" | "setStoryReply">;

export interface ReporterDeps {
  readonly client: WebClient;
  readonly runs: ReporterRuns;
  readonly coalescer: UpdateCoalescer;
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
  /** Reply posts and edits of this run, one at a time and in order. */
  chain: Promise<void>;
  /** The parent state last sent (see milestone). */
  lastMilestone: string | null;
}

const REMEMBERED_RUNS = 500;

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

  /** Resolves when every Slack call started so far has settled (shutdown and tests). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    await this.deps.coalescer.idle();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Whether a label run reports in SLACK_DEFAULT_CHANNEL: only when the policy lets that channel show every story it holds. */
  private defaultChannelFor(run: RunSummary, stories: readonly StoryProgress[]): boolean {
    const channel = this.deps.defaultChannel;
    if (run.trigger !== "TRACKER_LABEL" || run.slackChannel || !channel) return false;
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
    const content = runMessage(progress);
    let posted: { channel: string; ts: string };
    try {
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
      chain: Promise.resolve(),
      lastMilestone: parentMilestone(progress),
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
      return { run, channel: run.slackChannel, ts: run.slackThreadTs, replies: new Map(), sent: new Map(), chain: Promise.resolve(), lastMilestone: null };
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
    await this.enqueue(thread, () => this.sendReply(thread, story, false));
  }

  /** Posts the story's reply, or edits the one it has; stories still at work get none yet. */
  private async sendReply(thread: RunThread, story: StoryProgress, force: boolean): Promise<void> {
    const ts = thread.replies.get(story.runStoryId) ?? story.slackReplyTs;
    if (!ts && !isFinal(story) && !isAwaitingReview(story) && !isWaitingForSpend(story) && !force) return;
    const content: SlackMessage = storyReply(thread.run, story, this.decisions.get(story.runStoryId));
    const rendered = JSON.stringify(content);
    if (ts && thread.sent.get(story.runStoryId) === rendered) return;
    try {
      if (ts) {
        await this.deps.client.chat.update({ channel: thread.channel!, ts, ...content });
      } else {
        const answer = await this.deps.client.chat.postMessage({
          channel: thread.channel!,
          thread_ts: thread.ts!,
          ...content,
          unfurl_links: false,
          unfurl_media: false,
        });
        thread.replies.set(story.runStoryId, answer.ts!);
        await this.deps.runs.setStoryReply(story.runStoryId, answer.ts!);
      }
      thread.sent.set(story.runStoryId, rendered);
    } catch (error) {
      this.deps.logger.warn({ runId: story.runId, story: story.storyKey, error: slackErrorCode(error) }, "could not post a story's reply in Slack");
    }
  }

  private requestParentUpdate(runId: string): void {
    this.deps.coalescer.request(runId, () => this.sendParent(runId));
  }

  private async sendParent(runId: string): Promise<void> {
    const thread = await this.threadFor(runId);
    if (!thread) return;
    const progress = await this.deps.runs.loadRunProgress(runId);
    if (!progress) return;
    const milestone = parentMilestone(progress);
    if (milestone === thread.lastMilestone) return;
    try {
      await this.deps.client.chat.update({ channel: thread.channel!, ts: thread.ts!, ...runMessage(progress) });
      thread.lastMilestone = milestone;
    } catch (error) {
      this.deps.logger.warn({ runId, error: slackErrorCode(error) }, "could not update the run's message in Slack");
      return;
    }
    if (isRunOver(progress.run.status)) {
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
