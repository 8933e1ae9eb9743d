// The engine: one story in, validated subtasks and what they cost out. The breakdown task on
// the neutral loop; knows nothing of Slack, trackers, runs or which model answers. The model
// client comes in from the composition root.

import type { Logger } from "../log/logger.ts";
import { breakdownTask } from "./breakdown-task.ts";
import { GenerationUnavailable } from "./errors.ts";
import type { ModelClient } from "./model-client.ts";
import { generateStructured } from "./structured-generation.ts";
import type { GenerateOptions, GenerationResult, StoryContext, SubtaskGenerator } from "./types.ts";
import { totalTokens } from "./usage.ts";

export interface SubtaskGeneratorDeps {
  /** null when no model is configured: every generate() fails with GenerationUnavailable. */
  readonly client: ModelClient | null;
  readonly logger: Logger;
  /** Injected for durationMs; default performance.now. */
  readonly now?: () => number;
}

export function createSubtaskGenerator(deps: SubtaskGeneratorDeps): SubtaskGenerator {
  const now = deps.now ?? (() => performance.now());

  return {
    async generate(context: StoryContext, options?: GenerateOptions): Promise<GenerationResult> {
      const client = deps.client;
      if (!client) throw new GenerationUnavailable();
      const logger = deps.logger.child({ story: context.key, model: client.model });

      const result = await generateStructured(breakdownTask(context, options), { client, logger, now });

      const { verdict, reason, subtasks, dropped } = result.value;
      const { usage, model, durationMs, costUsd, priceKnown } = result;
      if (dropped.length > 0) logger.info({ dropped }, "dropped repeated or surplus subtasks");
      logger.info({ verdict, subtasks: subtasks.length, usage, costUsd, priceKnown, durationMs }, "subtasks generated");
      return { verdict, reason, subtasks, usage, tokensUsed: totalTokens(usage), model, durationMs, costUsd };
    },
  };
}
