import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.ts";
import { captureLogger } from "../support/logger.ts";

describe("logs", () => {
  const config = parseConfig({
    SLACK_BOT_TOKEN: "xoxb-111-222-SECRETSLACK",
    SLACK_SIGNING_SECRET: "signing-SECRET-value",
    LINEAR_API_KEY: "lin_api_SECRETLINEAR",
    ANTHROPIC_API_KEY: "sk-ant-SECRETANTHROPIC",
  });

  it("redact secrets by field name, whatever the nesting", () => {
    const { logger, text } = captureLogger("info");
    logger.info(
      {
        headers: { authorization: "Bearer abc.def", "x-api-key": "k-123" },
        client: { options: { apiKey: "key-in-options" } },
        apiToken: "tok",
      },
      "outbound call",
    );
    expect(text()).not.toMatch(/abc\.def|k-123|key-in-options|"tok"/);
    expect(text()).toContain("[redacted]");
  });

  it("never contain a configured secret, even inside a message or an error", () => {
    const { logger, text } = captureLogger("trace", config.secrets);
    logger.info({ config }, "configuration loaded");
    logger.warn(`request to https://api.linear.app failed with key lin_api_SECRETLINEAR`);
    logger.error({ err: new Error("401 for token xoxb-111-222-SECRETSLACK") }, "slack failed");
    logger.debug({ nested: { deeper: { value: "sk-ant-SECRETANTHROPIC!" } } }, "deep");
    const output = text();
    for (const secret of config.secrets) expect(output).not.toContain(secret);
    expect(output).toContain("failed with key [redacted]");
    expect(output).toContain("401 for token [redacted]");
  });
});
