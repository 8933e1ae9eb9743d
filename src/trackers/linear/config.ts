// Linear's settings: the variables an operator sets, and the configuration they make.
import { requireTogether, requireWith } from "../../config/config-error.ts";
import { httpUrl, text, type VariableValues } from "../../config/variable-spec.ts";

export const linearVariables = {
  LINEAR_API_KEY: {
    schema: text.optional(),
    expected: "a Linear API key",
    meaning: "Linear API key",
    defaultText: "Linear off when unset",
    secret: true,
  },
  LINEAR_WEBHOOK_SECRET: {
    schema: text.optional(),
    expected: "the Linear webhook signing secret",
    meaning: "Linear webhook signing secret",
    defaultText: "unset: Linear webhooks refused",
    secret: true,
  },
  LINEAR_API_URL: {
    schema: httpUrl.default("https://api.linear.app/graphql"),
    expected: "a URL",
    meaning: "Linear GraphQL endpoint",
    defaultText: "https://api.linear.app/graphql",
  },
  LINEAR_CLIENT_ID: {
    schema: text.optional(),
    expected: "the client id of the Linear OAuth app",
    meaning: "Linear OAuth app's client id (the bot as an agent: delegate or @mention it)",
    defaultText: "unset: the Linear agent is off",
  },
  LINEAR_CLIENT_SECRET: {
    schema: text.optional(),
    expected: "the client secret of the Linear OAuth app",
    meaning: "Linear OAuth app's client secret",
    defaultText: "unset: the Linear agent is off",
    secret: true,
  },
  LINEAR_APP_WEBHOOK_SECRET: {
    schema: text.optional(),
    expected: "the OAuth app's webhook signing secret",
    meaning: "the OAuth app's own webhook signing secret (agent session events); a delivery signed with it or with LINEAR_WEBHOOK_SECRET is accepted",
    defaultText: "unset: LINEAR_WEBHOOK_SECRET",
    secret: true,
  },
  LINEAR_OAUTH_URL: {
    schema: httpUrl.default("https://linear.app/oauth/authorize"),
    expected: "a URL",
    meaning: "Linear's OAuth authorize URL",
    defaultText: "https://linear.app/oauth/authorize",
  },
  LINEAR_TOKEN_URL: {
    schema: httpUrl.default("https://api.linear.app/oauth/token"),
    expected: "a URL",
    meaning: "Linear's OAuth token URL",
    defaultText: "https://api.linear.app/oauth/token",
  },
} as const;

/** The bot as a Linear agent: the OAuth app it is installed through. */
export interface LinearAgentConfig {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly oauthUrl: string;
  readonly tokenUrl: string;
}

export interface LinearConfig {
  readonly apiKey: string;
  readonly apiUrl: string;
  readonly webhookSecret: string | undefined;
  /** The OAuth app's own webhook secret; deliveries signed with either secret are accepted. */
  readonly appWebhookSecret?: string | undefined;
  /** null or absent: the agent is off (no OAuth app). */
  readonly agent?: LinearAgentConfig | null;
}

export function readLinearConfig(values: VariableValues<typeof linearVariables>): LinearConfig | null {
  requireWith(values, "LINEAR_WEBHOOK_SECRET", "LINEAR_API_KEY");
  const agentOn = requireTogether(values, ["LINEAR_CLIENT_ID", "LINEAR_CLIENT_SECRET"], "the Linear agent");
  // The agent speaks with the app token; the stories are still read and written with the API key.
  requireWith(values, "LINEAR_CLIENT_ID", "LINEAR_API_KEY");
  requireWith(values, "LINEAR_APP_WEBHOOK_SECRET", "LINEAR_CLIENT_ID");
  if (values.LINEAR_API_KEY === undefined) return null;
  return {
    apiKey: values.LINEAR_API_KEY,
    apiUrl: values.LINEAR_API_URL,
    webhookSecret: values.LINEAR_WEBHOOK_SECRET,
    appWebhookSecret: values.LINEAR_APP_WEBHOOK_SECRET,
    agent: agentOn
      ? {
          clientId: values.LINEAR_CLIENT_ID!,
          clientSecret: values.LINEAR_CLIENT_SECRET!,
          oauthUrl: values.LINEAR_OAUTH_URL,
          tokenUrl: values.LINEAR_TOKEN_URL,
        }
      : null,
  };
}
