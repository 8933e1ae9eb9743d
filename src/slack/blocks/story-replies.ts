// Several finished stories in one thread reply, when they finish faster than Slack lets the
// thread grow (about one message per second per channel): each story's own reply, one after
// the other, as many as fit in one message.
import type { RunSummary, StoryProgress } from "../../runs/types.ts";
import { divider, LIMITS, type Block, type SlackMessage } from "./message.ts";
import { storyReply } from "./story-reply.ts";

/** Most stories one grouped reply holds. */
export const MAX_STORIES_PER_REPLY = 10;

/**
 * The longest prefix of `stories` whose replies fit in one message whole (never cut: a story
 * left out goes in the next message), and that message; always at least the first story.
 */
export function groupedReply(run: RunSummary, stories: readonly StoryProgress[]): { message: SlackMessage; count: number } {
  const blocks: Block[] = [];
  const texts: string[] = [];
  let count = 0;
  for (const story of stories.slice(0, MAX_STORIES_PER_REPLY)) {
    const reply = storyReply(run, story);
    const extra = (count > 0 ? 1 : 0) + reply.blocks.length;
    if (count > 0 && blocks.length + extra > LIMITS.blocksPerMessage) break;
    if (count > 0) blocks.push(divider);
    blocks.push(...reply.blocks);
    texts.push(reply.text);
    count++;
  }
  if (count === 1) return { message: storyReply(run, stories[0]!), count };
  return { message: { text: texts.join("\n").slice(0, LIMITS.fallbackText), blocks }, count };
}
