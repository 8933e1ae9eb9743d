// The ways a generation can fail whatever model answers, as typed errors the run layer can
// record (RunStory.errorMsg) and decide on: `retryable` says whether trying the same story
// again later may help. How a provider's calls fail is its adapter's (anthropic/errors.ts).

import { AppError } from "../errors/app-error.ts";
import { ErrorCode } from "../errors/codes.ts";
import type { GenerationUsage } from "./types.ts";

/** No model is configured (ANTHROPIC_API_KEY is not set), so no story can be broken down. */
export class GenerationUnavailable extends AppError {
  constructor() {
    super(ErrorCode.GenerationUnavailable, "Subtask generation is off: set ANTHROPIC_API_KEY and restart the bot.");
  }
}

/** Errors raised after Claude answered at least once carry what those answers cost. */
interface SpentOptions {
  readonly usage: GenerationUsage;
  readonly model: string;
}

const MAX_ISSUES_IN_MESSAGE = 8;

/** The answer did not match the schema (or the story's constraints), even after a corrected retry. */
export class InvalidOutput extends AppError {
  readonly issues: readonly string[];
  readonly usage: GenerationUsage;
  readonly model: string;
  constructor(issues: readonly string[], spent: SpentOptions) {
    // The message ends up in RunStory.errorMsg and Slack: the first problems say enough.
    const shown = issues.slice(0, MAX_ISSUES_IN_MESSAGE).join("; ");
    const more = issues.length > MAX_ISSUES_IN_MESSAGE ? ` (and ${issues.length - MAX_ISSUES_IN_MESSAGE} more)` : "";
    super(ErrorCode.InvalidOutput, `Claude (${spent.model}) answered twice with subtasks that failed validation: ${shown}${more}`, {
      retryable: false,
    });
    this.issues = issues;
    this.usage = spent.usage;
    this.model = spent.model;
  }
}

/** The answer hit max_tokens even with the raised budget, or the story does not fit the context window. */
export class OutputTruncated extends AppError {
  readonly usage: GenerationUsage;
  readonly model: string;
  constructor(reason: string, spent: SpentOptions) {
    super(ErrorCode.OutputTruncated, `Claude (${spent.model}) could not finish its answer: ${reason}`, { retryable: false });
    this.usage = spent.usage;
    this.model = spent.model;
  }
}

/** stop_reason "refusal": the model declined the story. */
export class Refused extends AppError {
  readonly category: string | null;
  readonly usage: GenerationUsage;
  readonly model: string;
  constructor(details: { category: string | null; explanation: string | null }, spent: SpentOptions) {
    const why = details.explanation ?? (details.category ? `category ${details.category}` : "no reason given");
    super(
      ErrorCode.ModelRefused,
      `Claude (${spent.model}) declined to break this story down (${why}). Reword the story or split it by hand.`,
      { retryable: false },
    );
    this.category = details.category;
    this.usage = spent.usage;
    this.model = spent.model;
  }
}

/** A story file for `subtasks generate <file.json>` that is not a valid StoryContext. */
export class InvalidStoryFile extends AppError {
  constructor(file: string, problem: string) {
    super(ErrorCode.InvalidStoryFile, `${file} is not a valid story file: ${problem}`);
  }
}
