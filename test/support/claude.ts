// Claude's Messages API behind nock, answering each request with a structured-output answer
// (JSON text, as output_config json_schema returns it). By default the answer is made for the
// story in the prompt; a test can script the answers instead, and read every request body.
import nock from "nock";
import type { Answer } from "../../src/generation/answer-schema.ts";
import type { StoriesAnswer } from "../../src/generation/stories/answer-schema.ts";

export interface MessagesBody {
  readonly model: string;
  readonly system: { text: string }[];
  readonly messages: { role: string; content: string }[];
  readonly output_config?: Record<string, unknown>;
  readonly max_tokens: number;
}

export interface PlayedClaude {
  /** The story keys Claude was asked about, in order. */
  readonly asked: string[];
  /** Every request body, in order. */
  readonly requests: MessagesBody[];
  stop(): void;
}

export interface ClaudeScript {
  readonly subtasksPerStory?: number;
  /** Each answer comes this late (ms): a model call that takes a while. */
  readonly delayMs?: number;
  /** The answer to the n-th request (0-based); default: `subtasksPerStory` steps of the story asked about. */
  readonly answer?: (request: MessagesBody, n: number, key: string) => Answer | StoriesAnswer;
  /** Stories per epic for a stories request (default 3). */
  readonly storiesPerEpic?: number;
}

/** A default answer for an epic: vertical slices with criteria and points on the asked scale. */
export function storiesOf(key: string, count: number): StoriesAnswer {
  return {
    stories: Array.from({ length: count }, (_, i) => ({
      title: `As a shopper I want slice ${i + 1} of ${key} so that I can check out faster`,
      description: `Slice ${i + 1} of ${key}: the thinnest path through every layer.`,
      acceptanceCriteria: [`Given slice ${i + 1} is live, when a shopper uses it, then the order is placed`, `The slice ${i + 1} page loads in under 2 s`],
      points: [1, 2, 3, 5, 8][i % 5]!,
      dependsOn: i > 0 ? [1] : [],
    })),
  };
}

/** An answer of `count` chained steps for the story `key`. */
export function stepsOf(key: string, count: number): Answer {
  const subtasks = Array.from({ length: count }, (_, i) => ({
    title: `Implement part ${i + 1} of ${key}`,
    description: `Change the ${key} code path, part ${i + 1}.\n\n**How to verify:** the part ${i + 1} test passes.`,
    effort: ["S", "M", "L"][i % 3]!,
    acceptanceCriteria: [],
    dependsOn: i > 0 ? [i] : [],
  }));
  return { verdict: "breakdown", reason: `Split ${key} into its steps.`, subtasks };
}

export function playClaude(baseUrl = "https://anthropic.test", script: ClaudeScript = {}): PlayedClaude {
  const asked: string[] = [];
  const requests: MessagesBody[] = [];
  let n = 0;
  const scope = nock(baseUrl)
    .persist()
    .post("/v1/messages")
    .delay(script.delayMs ?? 0)
    // nock 15 hands the reply function the intercepted fetch Request.
    .reply((async (intercepted: Request) => {
      const request = (await intercepted.clone().json()) as MessagesBody;
      const prompt = String(request.messages[0]?.content ?? "");
      const epicKey = /^Write the user stories of the epic (\S+?)\.$/m.exec(prompt)?.[1];
      const key = epicKey ?? /Break the story (\S+) into subtasks/.exec(prompt)?.[1] ?? "STORY";
      asked.push(key);
      requests.push(request);
      const index = n++;
      const answer =
        script.answer?.(request, index, key) ?? (epicKey ? storiesOf(epicKey, script.storiesPerEpic ?? 3) : stepsOf(key, script.subtasksPerStory ?? 3));
      return [
        200,
        {
          id: `msg_${(index + 1).toString().padStart(6, "0")}`,
          type: "message",
          role: "assistant",
          model: "claude-sonnet-5-5",
          content: [{ type: "text", text: JSON.stringify(answer) }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { input_tokens: 420, output_tokens: 380, cache_creation_input_tokens: 0, cache_read_input_tokens: 1400 },
        },
        { "request-id": `req_${index + 1}` },
      ];
    }) as never);
  return {
    asked,
    requests,
    stop() {
      scope.persist(false);
    },
  };
}
