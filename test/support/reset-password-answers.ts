// Claude's answers for "Reset a forgotten password" (ENG-1): a first proposal, and the one made
// after the instruction "split the migration out". Shared by the review tests of every surface
// (Slack's Refine…, the Linear agent's replies).
import type { Answer } from "../../src/generation/answer-schema.ts";

const subtask = (title: string, effort: string, dependsOn: number[] = []) => ({
  title,
  description: `${title}.\n\n**How to verify:** its test passes.`,
  effort,
  acceptanceCriteria: [],
  dependsOn,
});

export const FIRST: Answer = {
  verdict: "breakdown",
  reason: "Schema, API and screen.",
  subtasks: [subtask("Add the password reset tokens table with its migration", "M"), subtask("Send the reset email", "S", [1]), subtask("Show the reset form", "S", [2])],
};

export const REFINED: Answer = {
  verdict: "breakdown",
  reason: "The migration on its own, then the token logic and the email.",
  subtasks: [subtask("Add the password reset tokens migration", "S"), subtask("Create and check reset tokens", "M", [1]), subtask("Send the reset email", "S", [2])],
};
