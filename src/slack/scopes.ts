// The bot token scopes manifest.yml asks for (a test keeps the two in step). `subtasks doctor`
// compares them with the scopes Slack says the token has (the x-oauth-scopes header).
export const SLACK_BOT_SCOPES = ["commands", "chat:write", "chat:write.public", "users:read", "users:read.email"] as const;
