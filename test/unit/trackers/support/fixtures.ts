import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../fixtures/", import.meta.url));

/** A provider answer kept under test/fixtures/<provider>/, parsed afresh each time (tests may change it). */
export function fixture<T = any>(path: string): T {
  return JSON.parse(readFileSync(root + path, "utf8")) as T;
}
