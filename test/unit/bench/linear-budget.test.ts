// The Linear request budget bench:epic plays in front of the Linear fake: a bucket full at the
// start, refilled continuously, RATELIMITED beyond it, with Linear's headers on every answer.
import { describe, expect, it } from "vitest";
import { linearBudget } from "../../../bench/epic/linear-budget.ts";

const query = (document: string) => ({ method: "POST", path: "/graphql", body: Buffer.from(JSON.stringify({ query: document, variables: {} })) });
const read = query("query Story($id: String!) { issue(id: $id) { id } }");
const write = query("fragment ChildFields on Issue { id }\n mutation CreateIssues($input: IssueBatchCreateInput!) { issueBatchCreate(input: $input) { success } }");

describe("linearBudget", () => {
  it("lets a full bucket through, then refuses with RATELIMITED, HTTP 400 and Retry-After", () => {
    let now = 1_800_000_000_000;
    const budget = linearBudget(3600, () => now);
    for (let i = 0; i < 3600; i++) expect(budget.limit(read).refuse).toBeUndefined();
    const verdict = budget.limit(read);
    expect(verdict.refuse?.status).toBe(400);
    expect(verdict.refuse?.body).toMatchObject({ errors: [{ extensions: { code: "RATELIMITED" } }] });
    // One request leaks back every second at 3,600 an hour.
    expect(verdict.refuse?.headers).toEqual({ "retry-after": "1" });
    expect(verdict.headers).toMatchObject({ "x-ratelimit-requests-limit": "3600", "x-ratelimit-requests-remaining": "0" });
    expect(budget.counts).toEqual({ reads: 3600, writes: 0, refused: 1 });
    now += 999;
    expect(budget.limit(read).refuse).toBeDefined();
    now += 1;
    expect(budget.limit(read).refuse).toBeUndefined();
  });

  it("says on every answer what remains and when the bucket is full again (Unix ms)", () => {
    const now = 1_800_000_000_000;
    const budget = linearBudget(5000, () => now);
    budget.limit(read);
    const { headers } = budget.limit(read);
    expect(headers).toEqual({
      "x-ratelimit-requests-limit": "5000",
      "x-ratelimit-requests-remaining": "4998",
      // Two requests spent, each back after 3600/5000 s.
      "x-ratelimit-requests-reset": String(now + 2 * 720),
    });
  });

  it("counts queries as reads and mutations as writes, a fragment before the operation notwithstanding", () => {
    const budget = linearBudget(100);
    budget.limit(read);
    budget.limit(write);
    budget.limit(write);
    expect(budget.counts).toEqual({ reads: 1, writes: 2, refused: 0 });
  });
});
