// Hostile request bodies for the inbound routes, as fast-check arbitraries: JSON cut off at any
// byte, nesting thousands deep, every JSON value where an object is expected, strings of
// hundreds of kilobytes, bytes that are not UTF-8, form bodies whose payload= is broken, and
// real provider payloads with one field swapped for a value of the wrong type.
import fc from "fast-check";

/** Any JSON value, of any type, serialised. */
const anyJson = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? "null");

/** A valid JSON text cut off after any byte. */
const truncatedJson = fc
  .tuple(fc.jsonValue({ maxDepth: 4 }), fc.nat())
  .map(([value, at]) => {
    const text = JSON.stringify(value) ?? "null";
    return text.slice(0, text.length > 1 ? at % (text.length - 1) : 0);
  });

/** Arrays or objects nested up to 20,000 deep, closed or not. */
const deeplyNested = fc.tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean(), fc.boolean()).map(([depth, objects, closed]) => {
  const open = objects ? '{"a":' : "[";
  const close = objects ? "}" : "]";
  return open.repeat(depth) + "1" + (closed ? close.repeat(depth) : "");
});

/** A JSON object holding one string of 100 to 900 KB of UTF-8 (under the 1 MB limit). */
const hugeString = fc
  .tuple(fc.integer({ min: 100_000, max: 900_000 }), fc.constantFrom("a", "é", "\\u0000", "🙂", '\\"'))
  .map(([bytes, unit]) => `{"type":"Issue","action":"update","data":{"title":"${unit.repeat(Math.floor(bytes / Buffer.byteLength(unit)))}"}}`);

/** Bytes that are not valid UTF-8: random bytes, or JSON with lone continuation and lead bytes spliced in. */
const invalidUtf8 = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 2_000 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(anyJson, fc.nat(), fc.constantFrom([0xff], [0xc3], [0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80])).map(([text, at, bytes]) => {
    const json = Buffer.from(text);
    const cut = at % (json.length + 1);
    return Buffer.concat([json.subarray(0, cut), Buffer.from(bytes), json.subarray(cut)]);
  }),
);

/** Form bodies whose payload= is missing, empty, not JSON, cut off, or badly percent-encoded. */
const brokenForm = fc.oneof(
  fc.constant("payload="),
  fc.constant("payload"),
  fc.constant("payload=%"),
  fc.constant("payload=%E0%A4%A"),
  fc.constant("payload=%7B%22type%22%3A"),
  fc.string().map((text) => `payload=${text}`),
  truncatedJson.map((text) => `payload=${encodeURIComponent(text)}`),
  anyJson.map((text) => `payload=${encodeURIComponent(text)}`),
  fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 40 })).map((fields) => new URLSearchParams(fields).toString()),
  fc.string({ maxLength: 300 }).map((text) => `${text}&payload=${text}&payload=${text}`),
);

/** A body that shows as its first 200 bytes when fast-check reports it, not as a megabyte of numbers. */
function previewed(bytes: Buffer): Buffer {
  const preview = () => `<${bytes.length} bytes: ${JSON.stringify(bytes.subarray(0, 200).toString("latin1"))}${bytes.length > 200 ? "…" : ""}>`;
  return Object.assign(bytes, { [fc.toStringMethod]: preview });
}

/** Every kind of hostile body above, as bytes. */
export const garbageBody: fc.Arbitrary<Buffer> = fc.oneof(
  { arbitrary: anyJson.map((text) => Buffer.from(text)), weight: 4 },
  { arbitrary: truncatedJson.map((text) => Buffer.from(text)), weight: 4 },
  { arbitrary: deeplyNested.map((text) => Buffer.from(text)), weight: 1 },
  { arbitrary: hugeString.map((text) => Buffer.from(text)), weight: 1 },
  { arbitrary: invalidUtf8, weight: 3 },
  { arbitrary: brokenForm.map((text) => Buffer.from(text)), weight: 3 },
  { arbitrary: fc.string({ unit: "binary", maxLength: 500 }).map((text) => Buffer.from(text)), weight: 2 },
).map(previewed);

/** A value of any JSON type, or none: what goes where a provider's field should be. */
const wrongValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.string({ unit: "binary", maxLength: 200 }));

/**
 * A provider payload with one field, at any depth, replaced by a value of any type or removed:
 * the body passes JSON parsing and reaches the payload's own validation.
 */
export function mutatedPayload(payload: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const paths = fieldPaths(payload);
  return fc.tuple(fc.constantFrom(...paths), wrongValue).map(([path, value]) => {
    const copy = structuredClone(payload);
    setAt(copy, path, value);
    return copy;
  });
}

function fieldPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((item, i) => [String(i), item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => fieldPaths(item, [...prefix, key]))].filter((path) => path.length > 0);
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node: any = target;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}
