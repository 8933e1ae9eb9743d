// No Docker engine runs in CI: these check what can be checked without one, that the compose
// file parses, wires the bot to PostgreSQL 17 with health checks and a named volume, and reads
// only variables that .env.example lists; and that .env.example lists every variable.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { composeVariables, renderEnvExample } from "../../src/config/reference.ts";
import { variableNames } from "../../src/config/variables.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (file: string) => readFileSync(path.join(root, file), "utf8");

interface Service {
  image?: string;
  build?: string;
  env_file?: string;
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
}

describe(".env.example", () => {
  it("is rendered from the variable declarations (npm run docs:config to refresh)", () => {
    expect(read(".env.example")).toBe(renderEnvExample());
  });

  it("lists every variable the bot reads, unset", () => {
    const names = read(".env.example").split("\n").filter((line) => /^[A-Z_]+=$/.test(line)).map((line) => line.slice(0, -1));
    expect(names).toHaveLength(new Set(names).size);
    expect(new Set(names)).toEqual(new Set([...variableNames, ...composeVariables.map((v) => v.name)]));
  });
});

describe("docker-compose.yml", () => {
  const text = read("docker-compose.yml");
  const compose = parse(text) as { services: Record<string, Service>; volumes: Record<string, unknown> };

  it("runs the bot from this repository's Dockerfile beside PostgreSQL 17 on a named volume", () => {
    const { bot, postgres } = compose.services;
    expect(postgres!.image).toBe("postgres:17");
    const [volume, mount] = postgres!.volumes![0]!.split(":");
    expect(mount).toBe("/var/lib/postgresql/data");
    expect(compose.volumes).toHaveProperty(volume!);
    expect(bot!.build).toBe(".");
    expect(bot!.env_file).toBe(".env");
    expect(bot!.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
  });

  it("points the bot's DATABASE_URL at the compose PostgreSQL with its user, password and database", () => {
    const { bot, postgres } = compose.services;
    const url = new URL(bot!.environment!.DATABASE_URL!.replace(/\$\{POSTGRES_PASSWORD[^}]*\}/, "secret"));
    const env = postgres!.environment!;
    expect([url.protocol, url.hostname, url.port, url.username, url.pathname]).toEqual(["postgresql:", "postgres", "5432", env.POSTGRES_USER, `/${env.POSTGRES_DB}`]);
    expect(env.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD:\?/);
  });

  it("checks the health of both services: pg_isready, and the bot's /readyz on the port it listens on", () => {
    const { bot, postgres } = compose.services;
    expect(postgres!.healthcheck!.test.join(" ")).toContain("pg_isready");
    expect(bot!.healthcheck!.test.join(" ")).toContain(`127.0.0.1:${bot!.environment!.PORT}/readyz`);
    expect(bot!.ports).toEqual([`\${BOT_PORT:-3000}:${bot!.environment!.PORT}`]);
  });

  it("reads only variables that .env.example lists", () => {
    const referenced = new Set([...text.matchAll(/\$\{([A-Z_]+)/g)].map((match) => match[1]!));
    expect(referenced.size).toBeGreaterThan(0);
    const listed = read(".env.example");
    for (const name of referenced) expect(listed, name).toMatch(new RegExp(`^${name}=$`, "m"));
  });
});
