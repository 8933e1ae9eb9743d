// Linear's settings: the variables an operator sets, and the configuration they make.
import { requireWith } from "../../config/config-error.ts";
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
} as const;

export interface LinearConfig {
  readonly apiKey: string;
  readonly apiUrl: string;
  readonly webhookSecret: string | undefined;
}

export function readLinearConfig(values: VariableValues<typeof linearVariables>): LinearConfig | null {
  requireWith(values, "LINEAR_WEBHOOK_SECRET", "LINEAR_API_KEY");
  if (values.LINEAR_API_KEY === undefined) return null;
  return { apiKey: values.LINEAR_API_KEY, apiUrl: values.LINEAR_API_URL, webhookSecret: values.LINEAR_WEBHOOK_SECRET };
}
