import { describe, expect, it } from "vitest";
import { utcSessions } from "../../../src/db/prisma.ts";

describe("database sessions in UTC", () => {
  it("adds the time zone to the start-up options", () => {
    expect(utcSessions("postgresql://bot:s%40cret@db.internal:5432/subtasks")).toEqual({
      connectionString: "postgresql://bot:s%40cret@db.internal:5432/subtasks",
      options: "-c TimeZone=UTC",
    });
  });

  it("keeps the options the operator's URL gives, and its other parameters", () => {
    const { connectionString, options } = utcSessions("postgresql://bot@db.internal/subtasks?sslmode=require&options=-c%20search_path%3Dbot");
    expect(options).toBe("-c search_path=bot -c TimeZone=UTC");
    expect(connectionString).toBe("postgresql://bot@db.internal/subtasks?sslmode=require");
  });
});
