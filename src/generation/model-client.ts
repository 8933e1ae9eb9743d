// The port the generation loop talks to: one structured-output answer from some model. The loop
// and its tasks know no provider; an adapter (anthropic/) maps the request to its API, retries
// what may clear by itself, throws its failures as typed errors and prices the tokens.

import type { Logger } from "../log/logger.ts";
import type { GenerationUsage } from "./types.ts";

/** A JSON Schema object, as z.toJSONSchema writes it. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** How hard the model thinks before answering, lowest first; unset leaves the provider's default. */
export const REASONING_EFFORTS = ["low", "medium", "high"] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

export interface ModelMessage {
  readonly role: "user" | "assistant";
  readonly content: string;
}

export interface ModelRequest {
  /** The same for every call of a task, so the provider can cache it; sent before the messages. */
  readonly system: string;
  /** The conversation so far; the last message is the user's. */
  readonly messages: readonly ModelMessage[];
  /** The answer's shape (structured output); the adapter narrows it to what its provider accepts. */
  readonly schema: JsonSchema;
  readonly maxTokens: number;
  readonly effort?: ReasoningEffort;
}

/** Why the model stopped: done, cut at maxTokens, declined, or out of context window. */
export type StopReason = "end" | "max_tokens" | "refusal" | "context_window";

export interface ModelRefusal {
  readonly category: string | null;
  readonly explanation: string | null;
}

export interface ModelResponse {
  /** The answer's text (the JSON the schema asks for when stop is "end"), thinking left out. */
  readonly text: string;
  readonly stop: StopReason;
  /** When stop is "refusal": what the provider said about it. */
  readonly refusal?: ModelRefusal;
  readonly usage: GenerationUsage;
  readonly requestId?: string;
}

export interface CompleteOptions {
  /** The caller's logger (bound to a story, say), for the adapter's retry logs. */
  readonly logger?: Logger;
}

export interface ModelClient {
  readonly model: string;
  /** Whether costOf prices this model from its own price, not a fallback. */
  readonly priceKnown: boolean;
  /** One answer. Failures that retrying in the call may clear are retried; the rest are thrown typed. */
  complete(request: ModelRequest, options?: CompleteOptions): Promise<ModelResponse>;
  /** Estimated USD for the tokens, from a price list. */
  costOf(usage: GenerationUsage): number;
}
