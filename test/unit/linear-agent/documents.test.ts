// Every GraphQL document the Linear agent sends, validated against Linear's published schema
// (test/fixtures/linear/schema): a misspelt field, a wrong argument or input type fails here
// rather than in a workspace.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import { agentDocuments } from "../../../src/linear-agent/documents.ts";

const schema = buildSchema(gunzipSync(readFileSync(new URL("../../fixtures/linear/schema/schema.graphql.gz", import.meta.url))).toString("utf8"), {
  assumeValidSDL: true,
});

const problems = (document: string) => validate(schema, parse(document)).map((error) => error.message);

describe("the Linear agent's GraphQL documents", () => {
  it.each(agentDocuments.map((document) => [/\b(?:query|mutation)\s+(\w+)/.exec(document)![1]!, document]))("%s is valid against Linear's schema", (_name, document) => {
    expect(problems(document)).toEqual([]);
  });

  it("the check can fail: a field Linear does not have is reported", () => {
    expect(problems("mutation X($id: String!) { agentSessionUpdate(id: $id, input: {}) { success status } }")).not.toEqual([]);
  });
});
