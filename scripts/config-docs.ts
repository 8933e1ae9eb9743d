// Rewrites the configuration table in README.md and .env.example from src/config/variables.ts.
//   npm run docs:config
import { readFile, writeFile } from "node:fs/promises";
import { renderConfigTable, renderEnvExample } from "../src/config/reference.ts";

const START = "<!-- config:start -->";
const END = "<!-- config:end -->";
const readme = await readFile("README.md", "utf8");
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < from) {
  console.error(`README.md has no ${START} … ${END} block`);
  process.exit(1);
}
const updated = `${readme.slice(0, from + START.length)}\n${renderConfigTable()}\n${readme.slice(to)}`;
await writeFile("README.md", updated);
console.log(updated === readme ? "README.md already up to date" : "README.md configuration table updated");

const envExample = await readFile(".env.example", "utf8").catch(() => "");
await writeFile(".env.example", renderEnvExample());
console.log(envExample === renderEnvExample() ? ".env.example already up to date" : ".env.example updated");
