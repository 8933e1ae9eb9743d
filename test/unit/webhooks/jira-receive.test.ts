// Which Jira deliveries start a run, decided from the payloads alone.
import { describe, expect, it } from "vitest";
import { parseJiraDelivery, type JiraDelivery } from "../../../src/webhooks/jira/parse.ts";
import { decideJiraDelivery } from "../../../src/webhooks/jira/receive.ts";
import { webhookFixture } from "../../support/webhooks/deliveries.ts";

/** identifier null: sent without X-Atlassian-Webhook-Identifier. */
function delivery(payload: Record<string, any>, identifier: string | null = "a1b2c3d4-0001"): JiraDelivery {
  return parseJiraDelivery(Buffer.from(JSON.stringify({ ...payload, timestamp: 1_764_063_012_345 })), { identifier: identifier ?? undefined });
}

const labelsItem = (items: Record<string, unknown>[]) => {
  const payload = webhookFixture("jira/issue-updated-label-added.json");
  payload.changelog.items = items;
  return payload;
};

describe("Jira: what a delivery asks for", () => {
  it("the trigger label added to a story starts a run on it, requested by the user", () => {
    expect(decideJiraDelivery(delivery(webhookFixture("jira/issue-updated-label-added.json")), "ai:subtasks")).toEqual({
      epic: false,
      start: {
        provider: "JIRA",
        deliveryId: "a1b2c3d4-0001",
        event: "jira:issue_updated",
        type: "GENERATE_SUBTASKS",
        ref: { tracker: "jira", key: "PROJ-42", kind: "issue", input: "PROJ-42" },
        requestedBy: "5b10ac8d82e05b22cc7d4ef5",
        requestedByName: "Maya Fischer",
      },
    });
  });

  it("STORIES_LABEL added to an Epic starts a stories run on it; the trigger label still starts a subtasks run", () => {
    const epicDelivery = delivery(webhookFixture("jira/epic-updated-label-added.json"));
    expect(decideJiraDelivery(epicDelivery, "something-else", "ai:subtasks")).toMatchObject({ epic: true, start: { type: "GENERATE_STORIES", ref: { tracker: "jira" } } });
    expect(decideJiraDelivery(epicDelivery, "ai:subtasks", "ai:stories")).toMatchObject({ epic: true, start: { type: "GENERATE_SUBTASKS" } });
  });

  it("an Epic is started as itself and marked as one", () => {
    expect(decideJiraDelivery(delivery(webhookFixture("jira/epic-updated-label-added.json")), "ai:subtasks")).toMatchObject({
      epic: true,
      start: { ref: { key: "PROJ-1" } },
    });
  });

  it('a trigger label configured with a space ("ai subtasks") matches the label as Jira holds it (ai-subtasks)', () => {
    const payload = labelsItem([{ field: "labels", fieldtype: "jira", fieldId: "labels", from: null, fromString: "payments", to: null, toString: "ai-subtasks payments" }]);
    payload.issue.fields.labels = ["ai-subtasks", "payments"];
    expect(decideJiraDelivery(delivery(payload), "ai subtasks")).toMatchObject({ start: { ref: { key: "PROJ-42" } } });
  });

  it("labels are compared as space-separated lists, in any order", () => {
    const reordered = labelsItem([{ field: "labels", fieldtype: "jira", fromString: "payments", toString: "payments ai:subtasks" }]);
    expect(decideJiraDelivery(delivery(reordered), "ai:subtasks")).toHaveProperty("start");
    const kept = labelsItem([{ field: "labels", fieldtype: "jira", fromString: "ai:subtasks", toString: "ai:subtasks payments" }]);
    expect(decideJiraDelivery(delivery(kept), "ai:subtasks")).toEqual({ ignore: "the label ai:subtasks was not added to PROJ-42" });
    const similar = labelsItem([{ field: "labels", fieldtype: "jira", fromString: "", toString: "ai:subtasks-later" }]);
    expect(decideJiraDelivery(delivery(similar), "ai:subtasks")).toHaveProperty("ignore");
  });

  it("an item without toString adds nothing (never Object.prototype.toString)", () => {
    const noTo = labelsItem([{ field: "labels", fieldtype: "jira", fromString: "payments" }]);
    expect(delivery(noTo).issue?.labelChanges).toEqual([{ from: ["payments"], to: [] }]);
    expect(decideJiraDelivery(delivery(noTo), "ai:subtasks")).toEqual({ ignore: "the label ai:subtasks was not added to PROJ-42" });
  });

  it("an issue created with the label starts a run; created without it does not", () => {
    expect(decideJiraDelivery(delivery(webhookFixture("jira/issue-created-with-label.json")), "ai:subtasks")).toMatchObject({
      start: { event: "jira:issue_created", ref: { key: "PROJ-57" } },
    });
    const plain = webhookFixture("jira/issue-created-with-label.json");
    plain.issue.fields.labels = [];
    expect(decideJiraDelivery(delivery(plain), "ai:subtasks")).toEqual({ ignore: "PROJ-57 was created without the label ai:subtasks" });
  });

  it("a sub-task, the bot's or a person's, never starts a run", () => {
    expect(decideJiraDelivery(delivery(webhookFixture("jira/sub-task-created.json")), "ai:subtasks")).toEqual({
      ignore: "PROJ-60 is a sub-task created by subtasks-bot",
    });
    const persons = webhookFixture("jira/sub-task-created.json");
    persons.issue.fields.labels = ["ai:subtasks"];
    expect(decideJiraDelivery(delivery(persons), "ai:subtasks")).toEqual({ ignore: "PROJ-60 is a sub-task; sub-tasks are not broken down" });
  });

  it("without an identifier the delivery is known by a hash of its bytes", () => {
    const payload = webhookFixture("jira/issue-updated-label-added.json");
    const first = delivery(payload, null);
    expect(first.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(delivery(payload, null).deliveryId).toBe(first.deliveryId);
    expect(delivery({ ...payload, changelog: { id: "10299", items: payload.changelog.items } }, null).deliveryId).not.toBe(first.deliveryId);
  });
});
