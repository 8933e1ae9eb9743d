import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { UpdateCoalescer } from "../../../src/slack/update-coalescer.ts";
import { silentLogger } from "../../support/logger.ts";

let coalescer: UpdateCoalescer;
let sent: { key: string; state: number; at: number }[];
let state: Record<string, number>;

/** A send that reads the state when it runs, like the reporter reading the database, then calls Slack. */
const sendOf = (key: string, ms = 0) => async () => {
  const current = state[key]!;
  // A slow Slack call (a 429 being waited out) after the state was read.
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  sent.push({ key, state: current, at: Date.now() });
};

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
  coalescer = new UpdateCoalescer({ intervalMs: 1000, logger: silentLogger });
  sent = [];
  state = { a: 0, b: 0 };
});

afterEach(() => {
  vi.useRealTimers();
});

function change(key: string, value: number) {
  state[key] = value;
  coalescer.request(key, sendOf(key));
}

describe("the update coalescer", () => {
  it("sends the first update at once, then at most one per second, and the last state always", async () => {
    change("a", 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toEqual([{ key: "a", state: 1, at: 0 }]);

    for (let value = 2; value <= 10; value++) {
      await vi.advanceTimersByTimeAsync(100);
      change("a", value);
    }
    // 900 ms in: nothing more yet.
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toEqual([
      { key: "a", state: 1, at: 0 },
      { key: "a", state: 10, at: 1000 },
    ]);
    // Nothing pending: no more sends, however long we wait.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toHaveLength(2);
  });

  it("keeps each message to its own pace", async () => {
    change("a", 1);
    change("b", 1);
    change("a", 2);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((s) => `${s.key}${s.state}@${s.at}`)).toEqual(["a1@0", "b1@0"]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent.map((s) => `${s.key}${s.state}@${s.at}`)).toEqual(["a1@0", "b1@0", "a2@1000"]);
  });

  it("waits for a slow send (a 429 being waited out) and then sends the latest state once", async () => {
    state.a = 1;
    coalescer.request("a", sendOf("a", 5000));
    await vi.advanceTimersByTimeAsync(1000);
    change("a", 2);
    change("a", 3);
    await vi.advanceTimersByTimeAsync(3999);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([{ key: "a", state: 1, at: 5000 }]);
    // Two requests made during the slow send collapse into one, sent one interval after Slack
    // accepted the slow one (not as soon as it ended: that would be two updates in a second).
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toEqual([
      { key: "a", state: 1, at: 5000 },
      { key: "a", state: 3, at: 6000 },
    ]);
  });

  it("goes on after a failed send", async () => {
    coalescer.request("a", async () => {
      throw new Error("slack down");
    });
    await vi.advanceTimersByTimeAsync(0);
    change("a", 7);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual([{ key: "a", state: 7, at: 1000 }]);
  });

  it("flush sends what is pending at once (shutdown)", async () => {
    change("a", 1);
    await vi.advanceTimersByTimeAsync(0);
    change("a", 2);
    await coalescer.flush();
    expect(sent).toEqual([
      { key: "a", state: 1, at: 0 },
      { key: "a", state: 2, at: 0 },
    ]);
  });
});
