// Every GraphQL document the Linear adapter sends, validated against Linear's published schema
// (test/fixtures/linear/schema): a misspelt field, a wrong argument or input type fails here
// rather than in a workspace. The links of a story go as one document of aliased mutations,
// built for the number of links: checked for one and for several.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { buildSchema, parse, validate, type FieldNode, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import * as queries from "../../../src/trackers/linear/queries.ts";

const schema = buildSchema(gunzipSync(readFileSync(new URL("../../fixtures/linear/schema/schema.graphql.gz", import.meta.url))).toString("utf8"), {
  assumeValidSDL: true,
});

const problems = (document: string) => validate(schema, parse(document)).map((error) => error.message);

const documents: string[] = [
  ...(Object.values(queries) as unknown[]).filter((value): value is string => typeof value === "string" && /\b(?:query|mutation)\s+\w+/.test(value)),
  queries.linkBlocksMutation(1),
  queries.linkBlocksMutation(3),
];

describe("the Linear adapter's GraphQL documents", () => {
  it.each(documents.map((document, index) => [`${/\b(?:query|mutation)\s+(\w+)/.exec(document)![1]!} #${index}`, document]))("%s is valid against Linear's schema", (_name, document) => {
    expect(problems(document)).toEqual([]);
  });

  it("three links make one document with three aliased relation creates", () => {
    const document = parse(queries.linkBlocksMutation(3));
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(operation.selectionSet.selections.map((selection) => (selection as FieldNode).alias?.value)).toEqual(["l0", "l1", "l2"]);
  });
});
