import { uuidFromName } from "../db/uuid-from-name.ts";

/** The id a subtask's sub-issue gets where the tracker lets the client choose it (Linear). */
export function subtaskClientId(runId: string, storyId: string, code: string): string {
  return uuidFromName(`subtask:${runId}:${storyId}:${code}`);
}

/** The id of the "blocks" link between two of a story's subtasks, where the tracker lets the client choose it (Linear). */
export function subtaskLinkClientId(runId: string, storyId: string, blockerCode: string, blockedCode: string): string {
  return uuidFromName(`subtask-link:${runId}:${storyId}:${blockerCode}:${blockedCode}`);
}

/** The id a generated story's issue gets where the tracker lets the client choose it (Linear). */
export function storyClientId(runId: string, epicId: string, code: string): string {
  return uuidFromName(`story:${runId}:${epicId}:${code}`);
}

/** The id of the "blocks" link between two of an epic's generated stories (Linear). */
export function storyLinkClientId(runId: string, epicId: string, blockerCode: string, blockedCode: string): string {
  return uuidFromName(`story-link:${runId}:${epicId}:${blockerCode}:${blockedCode}`);
}
