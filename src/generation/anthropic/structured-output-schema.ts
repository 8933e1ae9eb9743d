// Anthropic's structured outputs accept a subset of JSON Schema: every object must say
// `additionalProperties: false`; numeric bounds, string lengths, maxItems and minItems other
// than 0 or 1 are rejected with HTTP 400 ("For 'integer' type, property 'minimum' is not
// supported"). See https://platform.claude.com/docs/en/build-with-claude/structured-outputs
// ("JSON Schema limitations"). zod's export carries those bounds, so they are dropped here;
// the zod schema still enforces them when the answer is validated.

type JsonSchema = { [key: string]: unknown };

/** Keywords kept as they are; anything else is dropped. */
const KEPT = new Set(["type", "description", "title", "enum", "const", "required", "$ref"]);
/** Keywords whose value is one schema, a list of schemas, or a map of schemas. */
const SUBSCHEMA = new Set(["items"]);
const SUBSCHEMA_LIST = new Set(["anyOf", "allOf"]);
const SUBSCHEMA_MAP = new Set(["properties", "$defs"]);
const STRING_FORMATS = new Set(["date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"]);

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function transform(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (KEPT.has(key)) out[key] = value;
    else if (SUBSCHEMA.has(key) && isSchema(value)) out[key] = transform(value);
    else if (key === "oneOf" && Array.isArray(value)) out["anyOf"] = value.filter(isSchema).map(transform);
    else if (SUBSCHEMA_LIST.has(key) && Array.isArray(value)) out[key] = value.filter(isSchema).map(transform);
    else if (SUBSCHEMA_MAP.has(key) && isSchema(value)) {
      out[key] = Object.fromEntries(Object.entries(value).filter(([, sub]) => isSchema(sub)).map(([name, sub]) => [name, transform(sub as JsonSchema)]));
    } else if (key === "minItems" && (value === 0 || value === 1)) out[key] = value;
    else if (key === "format" && typeof value === "string" && STRING_FORMATS.has(value)) out[key] = value;
  }
  if (out["type"] === "object") {
    out["properties"] ??= {};
    out["additionalProperties"] = false;
  }
  return out;
}

/** z.toJSONSchema's output reduced to what Anthropic's structured outputs accept. */
export function toStructuredOutputSchema(schema: JsonSchema): JsonSchema {
  return transform(schema);
}
