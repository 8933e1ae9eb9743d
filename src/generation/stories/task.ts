// Writing an epic's stories, as a task for the structured-generation loop (the same loop as
// subtasks: structured outputs, validation with feedback, one retry, accounting).
import { parseStructuredJson } from "../parse-answer.ts";
import { feedbackMessage } from "../prompt-data.ts";
import type { StructuredTask } from "../structured-generation.ts";
import type { CountRange } from "../types.ts";
import { storiesAnswerJsonSchema, storiesAnswerSchema } from "./answer-schema.ts";
import { postProcessStories, type DroppedStory } from "./post-process.ts";
import { buildEpicMessage, STORIES_SYSTEM_PROMPT } from "./prompt.ts";
import type { EpicContext, GenerateStoriesOptions, GeneratedStory } from "./types.ts";

/** Room for adaptive thinking plus the JSON of a dozen stories with their criteria. */
export const STORIES_MAX_TOKENS = 20_000;

/** The count when nobody set one: as many stories as the epic's scope calls for. */
export const ADAPTIVE_STORY_COUNT: CountRange = { min: 2, max: 10 };

export interface StoriesValue {
  readonly stories: GeneratedStory[];
  readonly dropped: DroppedStory[];
}

export function storiesTask(context: EpicContext, options: GenerateStoriesOptions = {}): StructuredTask<StoriesValue> {
  const count = options.count && options.count !== "adaptive" ? options.count : ADAPTIVE_STORY_COUNT;
  const language = options.language?.trim() || undefined;
  return {
    system: STORIES_SYSTEM_PROMPT,
    firstMessage: buildEpicMessage(context, { count, pointScale: context.pointScale, language }),
    schema: storiesAnswerJsonSchema,
    maxTokens: STORIES_MAX_TOKENS,
    validate(text) {
      const parsed = parseStructuredJson(text, storiesAnswerSchema);
      if (!parsed.ok) return parsed;
      const processed = postProcessStories({ answer: parsed.value, existingStories: context.existingStories, pointScale: context.pointScale, count });
      if (processed.issues.length > 0) return { ok: false, issues: processed.issues };
      return { ok: true, value: { stories: processed.stories, dropped: processed.dropped } };
    },
    feedbackMessage: (issues) => feedbackMessage(issues, { items: "stories", subject: "epic" }),
  };
}
