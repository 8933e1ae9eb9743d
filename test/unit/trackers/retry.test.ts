import { describe, expect, it } from "vitest";
import { TrackerRateLimited, TrackerRequestRejected, TrackerUnavailable } from "../../../src/trackers/errors.ts";
import { jiraIdentity } from "../../../src/trackers/jira/identity.ts";
import { linearIdentity } from "../../../src/trackers/linear/identity.ts";
import { withRetry } from "../../../src/trackers/support/retry.ts";
import { silentLogger } from "../../support/logger.ts";

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

function failing(errors: Error[], result = "ok") {
  let calls = 0;
  return {
    calls: () => calls,
    operation: async () => {
      calls++;
      const error = errors.shift();
      if (error) throw error;
      return result;
    },
  };
}

describe("the shared retry helper", () => {
  it("waits as long as the provider asked, then succeeds", async () => {
    const { waits, sleep } = recorder();
    const op = failing([new TrackerRateLimited(jiraIdentity, { retryAfterMs: 7000 })]);
    await expect(withRetry(op.operation, { sleep, logger: silentLogger, what: "test" })).resolves.toBe("ok");
    expect(waits).toEqual([7000]);
  });

  it("backs off exponentially when the provider gave no wait", async () => {
    const { waits, sleep } = recorder();
    const op = failing([new TrackerUnavailable(linearIdentity, "HTTP 502"), new TrackerUnavailable(linearIdentity, "HTTP 502"), new TrackerUnavailable(linearIdentity, "HTTP 503")]);
    await expect(withRetry(op.operation, { sleep, logger: silentLogger, what: "test" })).resolves.toBe("ok");
    expect(waits).toEqual([500, 1000, 2000]);
  });

  it("gives up after four attempts with the last typed error", async () => {
    const { waits, sleep } = recorder();
    const last = new TrackerRateLimited(linearIdentity, { retryAfterMs: 1000 });
    const op = failing([new TrackerRateLimited(linearIdentity, { retryAfterMs: 1000 }), new TrackerRateLimited(linearIdentity, { retryAfterMs: 1000 }), new TrackerRateLimited(linearIdentity, { retryAfterMs: 1000 }), last]);
    await expect(withRetry(op.operation, { sleep, logger: silentLogger, what: "test" })).rejects.toBe(last);
    expect(op.calls()).toBe(4);
    expect(waits).toEqual([1000, 1000, 1000]);
  });

  it("does not hold a worker for a wait longer than a minute: the error carries it instead", async () => {
    const { waits, sleep } = recorder();
    const error = new TrackerRateLimited(linearIdentity, { retryAfterMs: 20 * 60_000 });
    const op = failing([error]);
    await expect(withRetry(op.operation, { sleep, logger: silentLogger, what: "test" })).rejects.toMatchObject({
      code: "tracker_rate_limited",
      retryable: true,
      retryAfterMs: 20 * 60_000,
    });
    expect(waits).toEqual([]);
  });

  it("never retries an error that is not retryable", async () => {
    const { waits, sleep } = recorder();
    const op = failing([new TrackerRequestRejected(jiraIdentity, "bad field")]);
    await expect(withRetry(op.operation, { sleep, logger: silentLogger, what: "test" })).rejects.toThrow("bad field");
    expect(op.calls()).toBe(1);
    expect(waits).toEqual([]);
  });

  it("retries only rate limits for writes that are not idempotent", async () => {
    const { sleep } = recorder();
    const outage = failing([new TrackerUnavailable(jiraIdentity, "HTTP 502")]);
    await expect(withRetry(outage.operation, { sleep, logger: silentLogger, what: "test", retryOn: "rate-limit" })).rejects.toBeInstanceOf(TrackerUnavailable);
    expect(outage.calls()).toBe(1);
    const limited = failing([new TrackerRateLimited(jiraIdentity, { retryAfterMs: 10 })]);
    await expect(withRetry(limited.operation, { sleep, logger: silentLogger, what: "test", retryOn: "rate-limit" })).resolves.toBe("ok");
  });
});
