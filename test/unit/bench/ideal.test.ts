// bench:epic's ideal: each limit's bound from its bucket rules, and the largest one binding.
import { describe, expect, it } from "vitest";
import { binding, bounds, bucketSeconds } from "../../../bench/epic/ideal.ts";

const defaults = {
  modelCalls: 500,
  modelMs: 2000,
  outputTokensPerCall: 380,
  requestsPerMinute: 50,
  outputTokensPerMinute: 40_000,
  modelConcurrency: 4,
  linearRequests: 2300,
  linearPerHour: 5000,
  slackMessages: 300,
  slackPerSecond: 1,
  slackBurst: 4,
};

describe("bench:epic ideal", () => {
  it("a bucket full at the start lets its capacity through at once, then the rest at its rate", () => {
    expect(bucketSeconds(40, 50, 50 / 60)).toBe(0);
    expect(bucketSeconds(500, 50, 50 / 60)).toBeCloseTo(540);
  });

  it("500 calls at 50 a minute are bound by requests: 9 minutes after the burst, plus the last answer", () => {
    const all = bounds(defaults);
    expect(binding(all)).toMatchObject({ limit: "Anthropic requests/min", seconds: 542 });
    expect(all.find((bound) => bound.limit === "Anthropic output tokens/min")!.seconds).toBeCloseTo((190_000 - 40_000) / 40_000 * 60 + 2);
    expect(all.find((bound) => bound.limit === "model concurrency")!.seconds).toBe(250);
    expect(all.find((bound) => bound.limit === "Linear requests/hour")!.seconds).toBe(0);
  });

  it("names another limit when it is the tighter one", () => {
    expect(binding(bounds({ ...defaults, linearPerHour: 1000 })).limit).toBe("Linear requests/hour");
    expect(binding(bounds({ ...defaults, slackMessages: 700 })).limit).toBe("Slack messages/s in the channel");
  });
});
