// The Refine modal: one multi-line input for what the next proposal should change. Opened with
// the click's trigger_id; its submission carries the story in private_metadata.
// https://docs.slack.dev/surfaces/modals
import type { types } from "@slack/bolt";
import { MAX_INSTRUCTION_CHARS } from "../../generation/limits.ts";
import type { EpicProgress, StoryProgress } from "../../runs/types.ts";
import { inlineText, truncate } from "../mrkdwn.ts";
import { context, section } from "./message.ts";

export const REFINE_CALLBACK_ID = "refine_story";
export const REFINE_BLOCK_ID = "instruction";
export const REFINE_INPUT_ID = "text";

export interface RefineTarget {
  readonly runId: string;
  readonly runStoryId: string;
}

/** What the modal remembers between opening and submission (Slack returns it as is). */
export function refineMetadata(target: RefineTarget): string {
  return JSON.stringify({ runId: target.runId, runStoryId: target.runStoryId });
}

export function parseRefineMetadata(text: string | undefined): RefineTarget | null {
  try {
    const value = JSON.parse(text ?? "") as Partial<RefineTarget>;
    return typeof value.runId === "string" && typeof value.runStoryId === "string" ? { runId: value.runId, runStoryId: value.runStoryId } : null;
  } catch {
    return null;
  }
}

const plain = (text: string, max: number) => ({ type: "plain_text" as const, text: truncate(text, max) });

export function refineModal(target: RefineTarget, story: Pick<StoryProgress, "storyKey" | "storyTitle" | "instructions">): types.ModalView {
  return instructionModal({
    callbackId: REFINE_CALLBACK_ID,
    metadata: refineMetadata(target),
    key: story.storyKey,
    title: story.storyTitle,
    instructions: story.instructions,
    placeholder: "e.g. backend only, no UI work; split the migration out",
  });
}

// ── An epic's proposed stories (stories runs) ──────────────────────────────────────────────

export const EPIC_REFINE_CALLBACK_ID = "refine_epic";

export interface EpicRefineTarget {
  readonly runId: string;
  readonly runEpicId: string;
}

export function parseEpicRefineMetadata(text: string | undefined): EpicRefineTarget | null {
  try {
    const value = JSON.parse(text ?? "") as Partial<EpicRefineTarget>;
    return typeof value.runId === "string" && typeof value.runEpicId === "string" ? { runId: value.runId, runEpicId: value.runEpicId } : null;
  } catch {
    return null;
  }
}

export function epicRefineModal(target: EpicRefineTarget, epic: Pick<EpicProgress, "epicKey" | "epicTitle" | "instructions">): types.ModalView {
  return instructionModal({
    callbackId: EPIC_REFINE_CALLBACK_ID,
    metadata: JSON.stringify({ runId: target.runId, runEpicId: target.runEpicId }),
    key: epic.epicKey,
    title: epic.epicTitle,
    instructions: epic.instructions,
    placeholder: "e.g. leave reporting out; split the admin screens into their own story",
  });
}

/** The modal both kinds of Refine… open: one multi-line instruction, earlier ones shown below. */
function instructionModal(spec: { callbackId: string; metadata: string; key: string; title: string; instructions: readonly string[]; placeholder: string }): types.ModalView {
  const earlier = spec.instructions.slice(-3).map((instruction, index) => `${index + 1}. ${instruction}`);
  return {
    type: "modal",
    callback_id: spec.callbackId,
    private_metadata: spec.metadata,
    title: plain(`Refine ${spec.key}`, 24),
    submit: plain("Refine", 24),
    close: plain("Cancel", 24),
    blocks: [
      section(`*${inlineText(spec.key, 40)}* ${inlineText(spec.title, 200)}\nSay what the next proposal should change; the rest of the plan stays as it is.`),
      {
        type: "input",
        block_id: REFINE_BLOCK_ID,
        label: plain("Instruction", 2000),
        element: {
          type: "plain_text_input",
          action_id: REFINE_INPUT_ID,
          multiline: true,
          min_length: 3,
          max_length: MAX_INSTRUCTION_CHARS,
          placeholder: plain(spec.placeholder, 150),
        },
      },
      ...(earlier.length > 0 ? [context(`Earlier instructions, still applied:\n${earlier.map((line) => inlineText(line, 400)).join("\n")}`)] : []),
    ],
  };
}
