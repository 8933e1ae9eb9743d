// Reading an AgentSessionEvent: the fields the bot acts on, the mention's text as an instruction,
// and a clear 400 for a body that is not one.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HttpError } from "../../../src/http/errors.ts";
import { instructionFromComment, parseAgentSessionEvent } from "../../../src/linear-agent/session-event.ts";
import { webhookFixture } from "../../support/webhooks/deliveries.ts";

describe("parseAgentSessionEvent", () => {
  it("reads created: the session, its issue, who opened it, and no prompt", () => {
    const payload = webhookFixture("linear/agent-session-created.json");
    payload.webhookTimestamp = 1_767_000_000_000;
    const event = parseAgentSessionEvent(payload, "delivery-1");
    expect(event).toEqual({
      deliveryId: "delivery-1",
      action: "created",
      webhookTimestamp: 1_767_000_000_000,
      organizationId: "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e",
      sessionId: "a6e1f0c2-8d3b-4e5f-9a1c-2b3d4e5f6a7b",
      issue: { id: "8f7e6d5c-4b3a-4c2d-9e1f-0a9b8c7d6e5f", identifier: "ENG-1" },
      creator: { id: "2c4e6a8b-0d1f-4a3c-9e5b-7d9f1b3d5f7a", name: "Maya Fischer" },
      instruction: null,
      prompt: null,
    });
  });

  it("reads prompted: the person's text and signal", () => {
    const payload = webhookFixture("linear/agent-session-prompted.json");
    payload.agentActivity.content.body = "  backend only  ";
    payload.agentActivity.signal = "stop";
    expect(parseAgentSessionEvent(payload, "delivery-2").prompt).toEqual({ body: "backend only", signal: "stop" });
  });

  it("refuses what is not an agent session event with a 400 naming the field", () => {
    const payload = webhookFixture("linear/agent-session-created.json");
    payload.agentSession.issue.identifier = "not an identifier";
    const attempt = () => parseAgentSessionEvent(payload, "delivery-3");
    expect(attempt).toThrow(HttpError);
    expect(attempt).toThrow("agentSession.issue.identifier");
    expect(() => parseAgentSessionEvent({ type: "AgentSessionEvent", action: "created" }, "d")).toThrow(HttpError);
  });
});

describe("instructionFromComment", () => {
  it("drops the mention and keeps the ask", () => {
    expect(instructionFromComment("@subtasks backend only, no UI work")).toBe("backend only, no UI work");
    expect(instructionFromComment("Please @subtasks-bot split the migration out")).toBe("Please split the migration out");
    expect(instructionFromComment("https://linear.app/acme/profiles/subtasks plan this")).toBe("plan this");
    expect(instructionFromComment("@subtasks")).toBeNull();
    expect(instructionFromComment(null)).toBeNull();
  });

  it("never exceeds an instruction's 1,000 characters, whatever the comment", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3_000 }), (comment) => {
        const instruction = instructionFromComment(comment);
        expect(instruction === null || (instruction.length > 0 && instruction.length <= 1_000)).toBe(true);
      }),
    );
  });
});
