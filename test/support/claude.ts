// Claude's Messages API behind nock, answering each request with a structured-output answer
// (JSON text, as output_config json_schema returns it) made for the story in the prompt.
import nock from "nock";

export interface PlayedClaude {
  /** The story keys Claude was asked about, in order. */
  readonly asked: string[];
  stop(): void;
}

export function playClaude(baseUrl = "https://anthropic.test", subtasksPerStory = 3): PlayedClaude {
  const asked: string[] = [];
  let n = 0;
  const scope = nock(baseUrl)
    .persist()
    .post("/v1/messages")
    // nock 15 hands the reply function the intercepted fetch Request.
    .reply((async (intercepted: Request) => {
      const request = (await intercepted.clone().json()) as { messages: { role: string; content: string }[] };
      const prompt = String(request.messages[0]?.content ?? "");
      const key = /Break the story (\S+) into subtasks/.exec(prompt)?.[1] ?? "STORY";
      asked.push(key);
      const subtasks = Array.from({ length: subtasksPerStory }, (_, i) => ({
        title: `Implement part ${i + 1} of ${key}`,
        description: `Change the ${key} code path, part ${i + 1}.\n\n**How to verify:** the part ${i + 1} test passes.`,
        effort: ["S", "M", "L"][i % 3],
        acceptanceCriteria: [],
        dependsOn: i > 0 ? [i] : [],
      }));
      return [
        200,
        {
          id: `msg_${(++n).toString().padStart(6, "0")}`,
          type: "message",
          role: "assistant",
          model: "claude-sonnet-5-5",
          content: [{ type: "text", text: JSON.stringify({ subtasks }) }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { input_tokens: 420, output_tokens: 380, cache_creation_input_tokens: 0, cache_read_input_tokens: 1400 },
        },
        { "request-id": `req_${n}` },
      ];
    }) as never);
  return {
    asked,
    stop() {
      scope.persist(false);
    },
  };
}
