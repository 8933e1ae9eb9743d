import type { TrackerIdentity } from "../types.ts";

export const jiraIdentity = { name: "jira", displayName: "Jira", kind: "JIRA" } as const satisfies TrackerIdentity;
