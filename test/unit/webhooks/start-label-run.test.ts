import { describe, expect, it } from "vitest";
import { queuedRunSummary } from "../../../src/runs/progress.ts";
import type { LabelTrigger } from "../../../src/webhooks/outcome.ts";
import { DeliveryNotStored, startLabelRun, type RunStarter } from "../../../src/webhooks/start-label-run.ts";
import { captureLogger } from "../../support/logger.ts";

const trigger: LabelTrigger = {
  provider: "LINEAR",
  deliveryId: "8e2c4a60-1f3b-4d5e-9a7c-6b8d0e2f4a61",
  event: "Issue.update",
  type: "GENERATE_SUBTASKS",
  ref: { tracker: "linear", key: "ENG-123", kind: "issue", input: "ENG-123" },
  requestedBy: "2e8f5a1c",
  requestedByName: "Maya Fischer",
};

const recorded = (runId: string) => ({ duplicate: false as const, runId, run: queuedRunSummary(runId, { trigger: "TRACKER_LABEL", refs: [trigger.ref], requestedBy: trigger.requestedBy }, new Date()) });

function runs(overrides: Partial<RunStarter>): RunStarter {
  return { startRun: async () => recorded("run-1"), ...overrides };
}

describe("starting a run from a label delivery", () => {
  it("records the delivery with a TRACKER_LABEL run and its queue job", async () => {
    const inputs: unknown[] = [];
    const starter = runs({ startRun: async (input) => (inputs.push(input), recorded("run-1")) });
    expect(await startLabelRun(starter, captureLogger().logger, trigger)).toEqual({ status: "started", runId: "run-1" });
    expect(inputs).toEqual([
      {
        type: "GENERATE_SUBTASKS",
        trigger: "TRACKER_LABEL",
        refs: [trigger.ref],
        requestedBy: "2e8f5a1c",
        requestedByName: "Maya Fischer",
        delivery: { provider: "LINEAR", deliveryId: trigger.deliveryId, event: "Issue.update" },
      },
    ]);
  });

  it("a duplicate answers with the run the first delivery started", async () => {
    const starter = runs({ startRun: async () => ({ duplicate: true, runId: "run-0" }) });
    expect(await startLabelRun(starter, captureLogger().logger, trigger)).toEqual({ status: "duplicate", runId: "run-0" });
  });

  it("a delivery that could not be recorded is DeliveryNotStored, so it is never answered 200", async () => {
    const down = new Error("connect ECONNREFUSED 127.0.0.1:5432");
    const starter = runs({ startRun: async () => Promise.reject(down) });
    const error = await startLabelRun(starter, captureLogger().logger, trigger).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryNotStored);
    expect((error as DeliveryNotStored).cause).toBe(down);
  });
});

describe("a database that does not answer in time", () => {
  it("is DeliveryNotStored at the deadline; the write that lands later is logged with its run", async () => {
    const log = captureLogger("info");
    let land: (() => void) | undefined;
    const landed = new Promise<void>((resolve) => (land = resolve));
    const starter = runs({
      startRun: async () => {
        await landed;
        return recorded("run-late");
      },
    });
    const started = performance.now();
    const error = await startLabelRun(starter, log.logger, trigger, { recordWithinMs: 50 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DeliveryNotStored);
    expect(performance.now() - started).toBeLessThan(1_000);
    land!();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log.lines()).toContainEqual(expect.objectContaining({ runId: "run-late", msg: "delivery recorded after the sender was answered 503" }));
  });
});
