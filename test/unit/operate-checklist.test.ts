import { describe, expect, it } from "vitest";
import { failed, passed, renderChecklist, runChecks, summaryLine, type Check } from "../../src/operate/checklist.ts";

const check = (name: string, run: Check["run"], extra: Partial<Check> = {}): Check => ({ name, run, ...extra });

describe("the doctor's checklist", () => {
  it("runs each check, turns a throw or a hang into a failed line, and skips a line whose prerequisite failed", async () => {
    const results = await runChecks(
      [
        check("A: account", async () => failed("refused", "check A_KEY")),
        check("A: labels", async () => passed("never run"), { needs: "A: account" }),
        check("B: account", async () => passed("ok as bob")),
        check("B: slow", async () => passed("left out"), { thorough: true }),
        check("C: boom", async () => {
          throw new Error("socket hang up");
        }),
        check("D: hangs", () => new Promise(() => undefined)),
      ],
      { thorough: false, timeoutMs: 50 },
    );
    expect(results.map((result) => [result.name, result.ok, result.skipped ?? false])).toEqual([
      ["A: account", false, false],
      ["A: labels", false, true],
      ["B: account", true, false],
      ["C: boom", false, false],
      ["D: hangs", false, false],
    ]);
    expect(results[4]!.detail).toBe("no answer within 0.05 s");
    expect(renderChecklist(results)).toBe(
      [
        "✗ A: account: refused",
        "    fix: check A_KEY",
        "- A: labels: not checked: A: account failed",
        "✓ B: account: ok as bob",
        "✗ C: boom: socket hang up",
        "    fix: check the network and the settings named above, then run `subtasks doctor` again",
        "✗ D: hangs: no answer within 0.05 s",
        "    fix: check the network and the settings named above, then run `subtasks doctor` again",
        "",
        "3 of 5 checks failed",
      ].join("\n"),
    );
    expect(summaryLine(results)).toBe("3 of 5 checks failed: A: account (refused); C: boom (socket hang up); D: hangs (no answer within 0.05 s); run `subtasks doctor` for the fixes");
    expect(summaryLine(results.slice(2, 3))).toBe("1 check passed");
  });
});
