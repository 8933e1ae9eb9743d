// Which Linear deliveries start a run, decided from the payloads alone.
import { describe, expect, it } from "vitest";
import { parseLinearDelivery, type LinearDelivery } from "../../../src/webhooks/linear/parse.ts";
import { decideLinearDelivery } from "../../../src/webhooks/linear/receive.ts";
import { webhookFixture } from "../../support/webhooks/deliveries.ts";

const TRIGGER_ID = "d4c3b2a1-0f9e-4d8c-b7a6-95847362514f";

function delivery(payload: Record<string, any>, deliveryId = "8e2c4a60-1f3b-4d5e-9a7c-6b8d0e2f4a61"): LinearDelivery {
  return parseLinearDelivery(Buffer.from(JSON.stringify({ ...payload, webhookTimestamp: 1_764_063_012_345 })), { deliveryId });
}

describe("Linear: what a delivery asks for", () => {
  it("the trigger label added to an issue starts a run on it, requested by the actor", () => {
    expect(decideLinearDelivery(delivery(webhookFixture("linear/issue-label-added.json")), "ai:subtasks")).toEqual({
      start: {
        provider: "LINEAR",
        deliveryId: "8e2c4a60-1f3b-4d5e-9a7c-6b8d0e2f4a61",
        event: "Issue.update",
        type: "GENERATE_SUBTASKS",
        ref: { tracker: "linear", key: "ENG-123", kind: "issue", input: "ENG-123" },
        requestedBy: "2e8f5a1c-7b3d-4c9e-a6f0-1d2b3c4e5f60",
        requestedByName: "Maya Fischer",
      },
    });
  });

  it("STORIES_LABEL just added starts a stories run on the issue; without it, the trigger label a subtasks run", () => {
    const added = delivery(webhookFixture("linear/issue-label-added.json"));
    expect(decideLinearDelivery(added, "something-else", "ai:subtasks")).toMatchObject({ start: { type: "GENERATE_STORIES", ref: { key: "ENG-123" } } });
    expect(decideLinearDelivery(added, "ai:subtasks", "ai:stories")).toMatchObject({ start: { type: "GENERATE_SUBTASKS" } });
    expect(decideLinearDelivery(added, "something-else", "ai:stories")).toEqual({ ignore: "ENG-123 does not carry the label something-else" });
  });

  it("the label is found by name whatever its case, and by id in the before and after lists", () => {
    const payload = webhookFixture("linear/issue-label-added.json");
    payload.data.labels[1].name = "AI:Subtasks";
    expect(decideLinearDelivery(delivery(payload), "ai:subtasks")).toHaveProperty("start");
  });

  it("a label named like the trigger but missing from labelIds does not count", () => {
    const payload = webhookFixture("linear/issue-label-added.json");
    payload.data.labelIds = payload.data.labelIds.filter((id: string) => id !== TRIGGER_ID);
    expect(decideLinearDelivery(delivery(payload), "ai:subtasks")).toEqual({ ignore: "ENG-123 does not carry the label ai:subtasks" });
  });

  it("a delivery without an actor is requested by linear-webhook", () => {
    const payload = webhookFixture("linear/issue-label-added.json");
    delete payload.actor;
    const decision = decideLinearDelivery(delivery(payload), "ai:subtasks");
    expect(decision).toMatchObject({ start: { requestedBy: "linear-webhook" } });
    expect("start" in decision && decision.start.requestedByName).toBe(undefined);
  });

  it("an update that changed other fields, or removed the label, starts nothing", () => {
    expect(decideLinearDelivery(delivery(webhookFixture("linear/issue-title-changed.json")), "ai:subtasks")).toEqual({
      ignore: "the labels of ENG-123 did not change",
    });
    expect(decideLinearDelivery(delivery(webhookFixture("linear/issue-label-removed.json")), "ai:subtasks")).toEqual({
      ignore: "ENG-123 does not carry the label ai:subtasks",
    });
  });

  it("an issue created with the label starts a run; the bot's sub-issues never do", () => {
    expect(decideLinearDelivery(delivery(webhookFixture("linear/issue-created-with-label.json")), "ai:subtasks")).toMatchObject({
      start: { event: "Issue.create", ref: { key: "ENG-140" } },
    });
    const subIssue = webhookFixture("linear/sub-issue-created.json");
    subIssue.data.labels.push({ id: TRIGGER_ID, color: "#4EA7FC", name: "ai:subtasks" });
    subIssue.data.labelIds.push(TRIGGER_ID);
    expect(decideLinearDelivery(delivery(subIssue), "ai:subtasks")).toEqual({ ignore: "ENG-130 is a sub-issue created by subtasks-bot" });
  });

  it("other entity types are not read beyond their envelope", () => {
    const comment = webhookFixture("linear/comment-created.json");
    comment.data = { anything: true };
    expect(decideLinearDelivery(delivery(comment), "ai:subtasks")).toEqual({ ignore: "Linear Comment events do not start runs" });
  });
});
