// A stand-in for the Claude-backed engine with the same contract: it numbers codes after the
// highest existing one, and can be slowed down or made to fail per story.
import type { GenerateOptions, GeneratedSubtask, GenerationResult, StoryContext, SubtaskGenerator } from "../../src/generation/types.ts";

export interface FakeGeneratorOptions {
  readonly delayMs?: number;
  readonly count?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FakeGenerator implements SubtaskGenerator {
  readonly calls: StoryContext[] = [];
  /** The options of each call, in order (what the run layer asked for: count, scale, language). */
  readonly options: GenerateOptions[] = [];
  /** Answer "no breakdown needed" with this reason for a story. */
  noBreakdownFor: ((context: StoryContext) => string | undefined) | undefined;
  /** Throw for a story key to simulate a failing model call. */
  failFor: ((context: StoryContext) => Error | undefined) | undefined;
  private readonly delayMs: number;
  private readonly count: number;

  constructor(options: FakeGeneratorOptions = {}) {
    this.delayMs = options.delayMs ?? 0;
    this.count = options.count ?? 3;
  }

  callsFor(key: string): number {
    return this.calls.filter((context) => context.key === key).length;
  }

  async generate(context: StoryContext, options: GenerateOptions = {}): Promise<GenerationResult> {
    this.calls.push(context);
    this.options.push(options);
    if (this.delayMs > 0) await sleep(this.delayMs);
    const error = this.failFor?.(context);
    if (error) throw error;
    const highest = Math.max(0, ...context.existingChildren.map((child) => Number(child.code?.replace(/^ST/, "")) || 0));
    const usage = { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 900, cacheWriteTokens: 0 };
    const accounting = { usage, tokensUsed: 2400, model: "claude-sonnet-5-5", durationMs: this.delayMs, costUsd: 0.0056 };
    const noBreakdown = this.noBreakdownFor?.(context);
    if (noBreakdown) return { verdict: "no_breakdown", reason: noBreakdown, subtasks: [], ...accounting };
    const range = options.count && options.count !== "adaptive" ? options.count : null;
    const count = range ? Math.min(Math.max(this.count, range.min), range.max) : this.count;
    const subtasks: GeneratedSubtask[] = Array.from({ length: count }, (_, i) => ({
      code: `ST${highest + i + 1}`,
      title: `${context.key}: step ${i + 1}`,
      description: `Do step ${i + 1} of ${context.title}. Verify it works.`,
      effort: ["S", "M", "L"][i % 3]!,
      acceptanceCriteria: [],
      dependsOn: i > 0 ? [`ST${highest + i}`] : [],
    }));
    return { verdict: "breakdown", reason: `Split ${context.key} into ${count} steps.`, subtasks, ...accounting };
  }
}
