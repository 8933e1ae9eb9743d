import type { GeneratedSubtask } from "../generation/types.ts";

/** The description a sub-issue gets: the engine's text, what it covers, what comes first. */
export function subtaskBody(subtask: Pick<GeneratedSubtask, "description" | "acceptanceCriteria" | "dependsOn">): string {
  const parts = [subtask.description.trim()];
  if (subtask.acceptanceCriteria.length > 0) {
    parts.push(`**Covers**\n${subtask.acceptanceCriteria.map((criterion) => `- ${criterion}`).join("\n")}`);
  }
  if (subtask.dependsOn.length > 0) parts.push(`**Depends on** ${subtask.dependsOn.join(", ")}`);
  return parts.filter(Boolean).join("\n\n");
}
