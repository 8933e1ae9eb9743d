// The fastest a run can go under each limit alone, from the fakes' own rules and the work the run
// really did (counted, not assumed): the bench's wall time is compared with the largest of them,
// the binding limit. Every limit here is a token bucket full at the start (capacity) and refilled
// continuously (rate), so spending `amount` units takes max(0, amount − capacity) / rate.

export interface Bound {
  /** Which limit, e.g. "Anthropic requests/min". */
  readonly limit: string;
  readonly seconds: number;
  /** How the seconds were computed, with the figures put in. */
  readonly formula: string;
}

/** Seconds until a bucket full at the start with `capacity`, refilled at `perSecond`, has let `amount` through. */
export function bucketSeconds(amount: number, capacity: number, perSecond: number): number {
  return Math.max(0, amount - capacity) / perSecond;
}

const s = (seconds: number) => `${seconds.toFixed(1)} s`;

export interface IdealInput {
  /** Model calls answered (one per story when none failed). */
  readonly modelCalls: number;
  readonly modelMs: number;
  readonly outputTokensPerCall: number;
  readonly requestsPerMinute: number;
  readonly outputTokensPerMinute: number;
  /** Most model calls in flight across the processes (MODEL_CONCURRENCY, at most every process's RUN_CONCURRENCY). */
  readonly modelConcurrency: number;
  /** Linear requests answered during the run, and the budget per hour. */
  readonly linearRequests: number;
  readonly linearPerHour: number;
  /** Slack messages (posts and updates) accepted in the busiest channel, and its pace. */
  readonly slackMessages: number;
  readonly slackPerSecond: number;
  readonly slackBurst: number;
}

export function bounds(input: IdealInput): Bound[] {
  const delay = input.modelMs / 1000;
  const tokens = input.modelCalls * input.outputTokensPerCall;
  return [
    {
      limit: "Anthropic requests/min",
      seconds: bucketSeconds(input.modelCalls, input.requestsPerMinute, input.requestsPerMinute / 60) + delay,
      formula: `(${input.modelCalls} calls − ${input.requestsPerMinute} burst) / ${input.requestsPerMinute} per min + ${s(delay)} last answer`,
    },
    {
      limit: "Anthropic output tokens/min",
      seconds: bucketSeconds(tokens, input.outputTokensPerMinute, input.outputTokensPerMinute / 60) + delay,
      formula: `(${input.modelCalls}×${input.outputTokensPerCall} tokens − ${input.outputTokensPerMinute} burst) / ${input.outputTokensPerMinute} per min + ${s(delay)} last answer`,
    },
    {
      limit: "model concurrency",
      seconds: Math.ceil(input.modelCalls / input.modelConcurrency) * delay,
      formula: `ceil(${input.modelCalls} calls / ${input.modelConcurrency} in flight) × ${s(delay)}`,
    },
    {
      limit: "Linear requests/hour",
      seconds: bucketSeconds(input.linearRequests, input.linearPerHour, input.linearPerHour / 3600),
      formula: `(${input.linearRequests} requests − ${input.linearPerHour} burst) / ${input.linearPerHour} per hour`,
    },
    {
      limit: "Slack messages/s in the channel",
      seconds: bucketSeconds(input.slackMessages, input.slackBurst, input.slackPerSecond),
      // The bot chooses how many messages to send (it groups replies when the channel is behind),
      // so this bound is of the messages it did send, not of the fewest it could have.
      formula: `(${input.slackMessages} messages sent − ${input.slackBurst} burst) / ${input.slackPerSecond} per s (the bot groups replies when behind: a bound of what it chose to send)`,
    },
  ];
}

/** The binding limit: the bound that takes longest. */
export function binding(all: readonly Bound[]): Bound {
  return all.reduce((worst, bound) => (bound.seconds > worst.seconds ? bound : worst));
}
