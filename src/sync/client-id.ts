import { uuidFromName } from "../db/uuid-from-name.ts";

/** The id a subtask's sub-issue gets where the tracker lets the client choose it (Linear). */
export function subtaskClientId(runId: string, storyId: string, code: string): string {
  return uuidFromName(`subtask:${runId}:${storyId}:${code}`);
}
