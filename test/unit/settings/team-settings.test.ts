import { describe, expect, it } from "vitest";
import {
  applyEdit,
  changesBetween,
  describeScope,
  effectiveSettings,
  NO_SETTINGS,
  settingsEditSchema,
  teamScope,
} from "../../../src/settings/team-settings.ts";

describe("team settings", () => {
  it("a team's value wins over the workspace default; unset values fall back; labels add up", () => {
    const workspace = { ...NO_SETTINGS, guidance: "Write tests first.", count: "adaptive" as const, reviewByDefault: true, extraLabels: ["from-bot"] };
    const team = { ...NO_SETTINGS, guidance: "Use pg-boss for jobs.", effortScale: "hours" as const, extraLabels: ["backend", "from-bot"] };
    expect(effectiveSettings(workspace, team, "linear:ENG")).toEqual({
      scope: "linear:ENG",
      guidance: "Use pg-boss for jobs.",
      count: "adaptive",
      effortScale: "hours",
      language: null,
      reviewByDefault: true,
      extraLabels: ["from-bot", "backend"],
    });
  });

  it("an edit changes only the fields it names; an empty text clears one", () => {
    const before = { ...NO_SETTINGS, guidance: "Old", language: "German", count: { min: 3, max: 6 } };
    const after = applyEdit(before, { guidance: "  New  ", language: "", count: "adaptive" });
    expect(after).toEqual({ ...NO_SETTINGS, guidance: "New", language: null, count: "adaptive" });
    expect(changesBetween(before, after)).toEqual({
      guidance: { from: "Old", to: "New" },
      count: { from: "3-6", to: "adaptive" },
      language: { from: "German", to: null },
    });
    expect(changesBetween(after, applyEdit(after, { guidance: "New" }))).toEqual({});
  });

  it("refuses what cannot be used, naming the field", () => {
    const problems = (edit: unknown) => {
      const parsed = settingsEditSchema.safeParse(edit);
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
    };
    expect(problems({ guidance: "x".repeat(4_001) })).toEqual(["guidance: at most 4,000 characters"]);
    expect(problems({ count: "lots" })).toEqual(['count: "lots" is not a count: use a range such as 3-6, or one number such as 5, or "adaptive"']);
    expect(problems({ count: "adaptive" })).toEqual([]);
    expect(problems({ extraLabels: Array.from({ length: 11 }, (_, i) => `l${i}`) })).toEqual(["extraLabels: at most 10 labels"]);
    expect(problems({ effortScale: "days" })).toHaveLength(1);
    expect(problems({ owner: "me" })).toHaveLength(1);
  });

  it("names scopes as people say them", () => {
    expect(teamScope("linear", "eng")).toBe("linear:ENG");
    expect(describeScope("linear:ENG")).toBe("Linear team ENG");
    expect(describeScope("jira:PROJ")).toBe("Jira project PROJ");
    expect(describeScope("*")).toBe("the workspace default");
  });
});
