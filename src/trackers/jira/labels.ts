// Jira labels cannot hold spaces (Jira refuses them, and its webhooks list labels separated by
// spaces). A label name from configuration ("ai subtasks") is written, and compared, the one way
// Jira can hold it: "ai-subtasks". The adapter and the webhook both use this, so the label the
// bot sets is the label a delivery is matched against.
export function jiraLabel(label: string): string {
  return label.trim().replace(/\s+/g, "-");
}
