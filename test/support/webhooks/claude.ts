// Claude's Messages API played by nock for one story: the reply is the real-shaped answer in
// test/fixtures/anthropic/message-checkout-subtasks.json with its structured-output text
// replaced by the subtasks given (their criteria numbers must exist in the story asked about).
import { readFileSync } from "node:fs";
import nock from "nock";

export interface AnswerSubtask {
  readonly title: string;
  readonly description: string;
  readonly effort: string;
  readonly acceptanceCriteria: readonly number[];
  readonly dependsOn: readonly number[];
}

export interface PlayedClaude {
  /** The request bodies Claude received, in order. */
  readonly requests: { messages: { role: string; content: unknown }[] }[];
}

export function answerClaudeOnce(baseUrl: string, subtasks: readonly AnswerSubtask[]): PlayedClaude {
  const envelope = JSON.parse(readFileSync(new URL("../../fixtures/anthropic/message-checkout-subtasks.json", import.meta.url), "utf8"));
  envelope.content = envelope.content.map((block: { type: string }) =>
    block.type === "text" ? { ...block, text: JSON.stringify({ verdict: "breakdown", reason: "Split by layer.", subtasks }) } : block,
  );
  const requests: PlayedClaude["requests"] = [];
  nock(baseUrl)
    .post("/v1/messages", (body: PlayedClaude["requests"][number]) => {
      requests.push(body);
      return true;
    })
    .reply(200, envelope, { "request-id": "req_011CQ9wZtXbLmN4pR7sVkE2d", "content-type": "application/json" });
  return { requests };
}
