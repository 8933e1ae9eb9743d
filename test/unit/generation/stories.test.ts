// Stories from an epic, the pure parts: the exact request for a fixture epic, and what happens
// to an answer (codes after the epic's own, criteria bounds, points on the scale, duplicates).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { toMessagesRequest } from "../../../src/generation/anthropic/messages-request.ts";
import { firstRequest } from "../../../src/generation/structured-generation.ts";
import { loadEpicFile } from "../../../src/generation/stories/epic-file.ts";
import { onScale, postProcessStories } from "../../../src/generation/stories/post-process.ts";
import { STORIES_SYSTEM_PROMPT } from "../../../src/generation/stories/prompt.ts";
import { storiesTask } from "../../../src/generation/stories/task.ts";

const epicFile = (name: string) => loadEpicFile(new URL(`../../fixtures/epics/${name}`, import.meta.url).pathname);

const story = (title: string, extra: Partial<{ acceptanceCriteria: string[]; points: number | null; dependsOn: number[] }> = {}) => ({
  title,
  description: `Why ${title} matters.`,
  acceptanceCriteria: ["Given a shopper, when they pay, then the order is placed", "The page loads in under 2 s"],
  points: 3,
  dependsOn: [],
  ...extra,
});

describe("the stories request", () => {
  it("for the epic checkout-one-page.json is byte for byte the body in request-checkout-one-page-stories.json", async () => {
    const { context, options } = await epicFile("checkout-one-page.json");
    const sent = JSON.stringify(JSON.parse(readFileSync(new URL("../../fixtures/anthropic/request-checkout-one-page-stories.json", import.meta.url), "utf8")));
    expect(JSON.stringify(toMessagesRequest("claude-sonnet-5-5", firstRequest(storiesTask(context, options))))).toBe(sent);
  });

  it("keeps the epic, its stories and the team's guidance out of the cached system prompt", async () => {
    const { context, options } = await epicFile("sso-regeneration.json");
    const request = toMessagesRequest("claude-sonnet-5-5", firstRequest(storiesTask(context, options)));
    expect(request.system).toEqual([{ type: "text", text: STORIES_SYSTEM_PROMPT, cache_control: { type: "ephemeral" } }]);
    const asked = request.messages[0]!.content as string;
    expect(asked).toContain("- Number of stories: between 3 and 5.");
    expect(asked).toContain("- Admin uploads IdP metadata and tests the connection (ENG-301, made by you earlier as S1, In Progress)");
    expect(asked).toContain("<team_guidance>");
    expect(asked).toContain("no 'As a … I want' form");
    expect(STORIES_SYSTEM_PROMPT).not.toContain("ENG-300");
  });

  it("asks a German epic's stories in the epic's language and without points when the team has no scale", async () => {
    const { context, options } = await epicFile("de-mahnwesen.json");
    const asked = toMessagesRequest("claude-sonnet-5-5", firstRequest(storiesTask(context, options))).messages[0]!.content as string;
    expect(asked).toContain("- Output language: the epic's language.");
    expect(asked).toContain("- Point scale: none (points is null).");
    expect(asked).toContain("<title>Automatisches Mahnwesen</title>");
  });
});

describe("an answer's stories", () => {
  const existing = [
    { title: "Admin uploads IdP metadata and tests the connection", code: "S1", createdByBot: true },
    { title: "Audit log entries for SSO configuration changes", createdByBot: false },
  ];

  it("are numbered after the epic's highest code, with dependencies by code and points on the team's scale", () => {
    const result = postProcessStories({
      answer: { stories: [story("Sign in through the IdP", { points: 4 }), story("Create accounts on first sign-in", { dependsOn: [1], points: 7 })] },
      existingStories: existing,
      pointScale: [1, 2, 3, 5, 8],
      count: { min: 2, max: 10 },
    });
    expect(result.issues).toEqual([]);
    expect(result.stories.map((s) => [s.code, s.title, s.points, s.dependsOn])).toEqual([
      ["S2", "Sign in through the IdP", 3, []],
      ["S3", "Create accounts on first sign-in", 8, ["S2"]],
    ]);
  });

  it("never propose an existing story again, in any case or punctuation", () => {
    const result = postProcessStories({
      answer: { stories: [story("audit log entries for SSO configuration changes."), story("Switch off password sign-in"), story("Sign in through the IdP")] },
      existingStories: existing,
      pointScale: null,
      count: { min: 2, max: 10 },
    });
    expect(result.dropped).toEqual([{ title: "Audit log entries for SSO configuration changes", reason: "duplicate_of_existing" }]);
    expect(result.stories.map((s) => [s.code, s.points])).toEqual([
      ["S2", null],
      ["S3", null],
    ]);
  });

  it("are sent back when a story has fewer than 2 or more than 6 criteria, or depends on a later one", () => {
    const result = postProcessStories({
      answer: {
        stories: [
          story("Sign in through the IdP", { acceptanceCriteria: ["It works"] }),
          story("Create accounts on first sign-in", { acceptanceCriteria: ["a", "b", "c", "d", "e", "f", "g"], dependsOn: [3] }),
        ],
      },
      existingStories: [],
      pointScale: null,
      count: { min: 1, max: 10 },
    });
    expect(result.issues).toEqual([
      "stories.0.acceptanceCriteria: 1 distinct criteria; give between 2 and 6 testable ones",
      "stories.1.acceptanceCriteria: 7 distinct criteria; give between 2 and 6 testable ones",
      "stories.1.dependsOn: there is no story 3; the answer has 2",
    ]);
  });

  it("snap points to the nearest value of the scale, the smaller on a tie", () => {
    expect(onScale(4, [1, 2, 3, 5, 8])).toBe(3);
    expect(onScale(6.5, [1, 2, 3, 5, 8])).toBe(5);
    expect(onScale(40, [1, 2, 3, 5, 8])).toBe(8);
    expect(onScale(3, null)).toBeNull();
  });
});
