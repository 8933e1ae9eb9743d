// The stories engine: one epic in, validated stories and what they cost out, on the same
// structured-generation loop and model client as subtasks.
import type { Logger } from "../../log/logger.ts";
import { GenerationUnavailable } from "../errors.ts";
import type { ModelClient } from "../model-client.ts";
import { generateStructured } from "../structured-generation.ts";
import { totalTokens } from "../usage.ts";
import { storiesTask } from "./task.ts";
import type { EpicContext, GenerateStoriesOptions, StoriesResult, StoryGenerator } from "./types.ts";

export interface StoryGeneratorDeps {
  /** null when no model is configured: every generate() fails with GenerationUnavailable. */
  readonly client: ModelClient | null;
  readonly logger: Logger;
  readonly now?: () => number;
}

export function createStoryGenerator(deps: StoryGeneratorDeps): StoryGenerator {
  const now = deps.now ?? (() => performance.now());
  return {
    async generate(context: EpicContext, options?: GenerateStoriesOptions): Promise<StoriesResult> {
      const client = deps.client;
      if (!client) throw new GenerationUnavailable();
      const logger = deps.logger.child({ epic: context.key, model: client.model });
      const result = await generateStructured(storiesTask(context, options), { client, logger, now });
      const { stories, dropped } = result.value;
      if (dropped.length > 0) logger.info({ dropped }, "dropped repeated or surplus stories");
      logger.info({ stories: stories.length, usage: result.usage, costUsd: result.costUsd, durationMs: result.durationMs }, "stories generated");
      return { stories, dropped, usage: result.usage, tokensUsed: totalTokens(result.usage), model: result.model, durationMs: result.durationMs, costUsd: result.costUsd };
    },
  };
}
