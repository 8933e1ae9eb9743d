// What the rest of the bot (runs, CLI, eval) uses of the generation engine.

export type * from "./types.ts";
export { createAnthropicClient, type AnthropicClient } from "./client.ts";
export { createSubtaskGenerator, type SubtaskGeneratorDeps } from "./generator.ts";
export { loadStoryContextFile, parseStoryFile, type StoryFile } from "./story-file.ts";
export { buildMessagesRequest, acceptanceCriteriaOf } from "./request.ts";
export { parseAcceptanceCriteria } from "./acceptance-criteria.ts";
export { estimateCostUsd, isPriceKnown } from "./pricing.ts";
export { DEFAULT_RETRY_POLICY, DEFAULT_TIMEOUT_MS, type RetryPolicy } from "./send-message.ts";
export {
  GenerationRejected,
  GenerationUnavailable,
  InvalidOutput,
  InvalidStoryFile,
  OutputTruncated,
  Overloaded,
  ProviderUnavailable,
  RateLimited,
  Refused,
  SpendLimitReached,
  Timeout,
} from "./errors.ts";
