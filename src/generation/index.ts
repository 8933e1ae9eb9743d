// What the rest of the bot (runs, CLI, eval) uses of the generation engine.

export type * from "./types.ts";
export type * from "./model-client.ts";
export { createSubtaskGenerator, type SubtaskGeneratorDeps } from "./generator.ts";
export { generateStructured, type StructuredTask, type StructuredResult, type Validation } from "./structured-generation.ts";
export { breakdownTask, acceptanceCriteriaOf, type Breakdown } from "./breakdown-task.ts";
export { loadStoryContextFile, parseStoryFile, type StoryFile } from "./story-file.ts";
export type * from "./stories/types.ts";
export { createStoryGenerator, type StoryGeneratorDeps } from "./stories/generator.ts";
export { storiesTask, ADAPTIVE_STORY_COUNT } from "./stories/task.ts";
export { parseAcceptanceCriteria } from "./acceptance-criteria.ts";
export { GenerationUnavailable, InvalidOutput, InvalidStoryFile, OutputTruncated, Refused } from "./errors.ts";

// The model behind the port: Anthropic's Messages API.
export { createAnthropicModelClient, type AnthropicModelClientDeps } from "./anthropic/model-client.ts";
export { DEFAULT_MODEL_RETRY_POLICY, DEFAULT_TIMEOUT_MS, type ModelRetryPolicy } from "./anthropic/send-message.ts";
export { GenerationRejected, ModelRateLimited, Overloaded, ProviderUnavailable, SpendLimitReached, Timeout } from "./anthropic/errors.ts";
