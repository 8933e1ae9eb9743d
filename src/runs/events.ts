import type { Logger } from "../log/logger.ts";
import type { EpicProgress, RunObserver, RunSummary, StoryProgress } from "./types.ts";

/**
 * Fans state-machine events out to observers (the Slack reporter, the CLI). An observer that
 * throws or is slow never affects the run: failures are logged, and the run does not wait.
 */
export class RunEvents {
  private readonly observers = new Set<RunObserver>();
  private readonly logger: Logger;
  private readonly pending = new Set<Promise<void>>();

  constructor(logger: Logger) {
    this.logger = logger;
  }

  /** Whether anyone listens to `event`; progress is only loaded from the database for someone. */
  wants(event: keyof RunObserver): boolean {
    for (const observer of this.observers) if (observer[event]) return true;
    return false;
  }

  subscribe(observer: RunObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  runStarted(run: RunSummary, stories: readonly StoryProgress[]): void {
    this.each("onRunStarted", (o) => o.onRunStarted?.(run, stories));
  }

  storyUpdated(story: StoryProgress): void {
    this.each("onStoryUpdate", (o) => o.onStoryUpdate?.(story));
  }

  epicUpdated(epic: EpicProgress): void {
    this.each("onEpicUpdate", (o) => o.onEpicUpdate?.(epic));
  }

  storyResumed(story: StoryProgress, attempt: string): void {
    this.each("onStoryResumed", (o) => o.onStoryResumed?.(story, attempt));
  }

  runCompleted(run: RunSummary, stories: readonly StoryProgress[]): void {
    this.each("onRunComplete", (o) => o.onRunComplete?.(run, stories));
  }

  /** Resolves when every observer call made so far has settled (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private each(event: string, call: (observer: RunObserver) => void | Promise<void>): void {
    for (const observer of this.observers) {
      const settled = Promise.resolve()
        .then(() => call(observer))
        .catch((error: unknown) => this.logger.error({ err: error, event }, "run observer failed"))
        .finally(() => this.pending.delete(settled));
      this.pending.add(settled);
    }
  }
}
