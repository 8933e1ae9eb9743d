// Development and test tooling only (uses devDependencies): compares a live database with
// prisma/schema.prisma through Prisma's WebAssembly schema engine, which runs where the
// native engine cannot be downloaded.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
  type SqlQueryable,
} from "@prisma/driver-adapter-utils";
import { SchemaEngine } from "@prisma/schema-engine-wasm";
import pg from "pg";

export const schemaPath = fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url));

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
const charColumns = Symbol("charColumns");

type Rows = unknown[] & { [charColumns]?: number[] };

/**
 * The engine's introspection queries return Postgres's internal one-byte `"char"` type
 * (pg_constraint.contype and friends), which @prisma/adapter-pg cannot map: it throws
 * UnsupportedNativeDataType. The pool lets such columns through as text and marks their
 * positions on the rows; the adapter wrapper below then reports them to the engine with the
 * driver-adapter type `Character`, which is what the engine reads them as.
 */
class CharTolerantPool extends pg.Pool {
  override query(...args: unknown[]): never {
    const result = (pg.Pool.prototype.query as (...a: unknown[]) => unknown).apply(this, args);
    if (!(result instanceof Promise)) return result as never;
    return result.then((res: { fields?: { dataTypeID: number }[]; rows?: Rows }) => {
      const marked: number[] = [];
      res?.fields?.forEach((field, index) => {
        if (field.dataTypeID === PG_CHAR_OID) {
          field.dataTypeID = PG_TEXT_OID;
          marked.push(index);
        }
      });
      if (marked.length > 0 && res.rows) res.rows[charColumns] = marked;
      return res;
    }) as never;
  }
}

function withCharColumns<T extends SqlQueryable>(queryable: T): T {
  return new Proxy(queryable, {
    get(target, property, receiver) {
      if (property === "queryRaw") {
        return async (query: SqlQuery) => {
          const result = await target.queryRaw(query);
          for (const index of (result.rows as Rows)[charColumns] ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
          return result;
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function charTolerantFactory(pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPg(pool);
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => withCharColumns(await inner.connect()),
    connectToShadowDb: async () => withCharColumns(await inner.connectToShadowDb()),
  };
}

const noFilters = { externalTables: [], externalEnums: [] };

async function withEngine<T>(databaseUrl: string, schema: string, work: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const pool = new CharTolerantPool({ connectionString: databaseUrl, max: 2 });
  try {
    const factory = bindMigrationAwareSqlAdapterFactory(charTolerantFactory(pool));
    const engine = await SchemaEngine.new({ datamodels: [["schema.prisma", schema]] }, () => undefined, factory);
    try {
      return await work(engine);
    } finally {
      engine.free();
    }
  } finally {
    await pool.end();
  }
}

/** SQL that would bring the live database to schema.prisma; empty when they match. */
export async function diffDatabaseToSchema(databaseUrl: string, schemaFile = schemaPath): Promise<string> {
  const schema = await readFile(schemaFile, "utf8");
  const files = [{ path: "schema.prisma", content: schema }];
  return withEngine(databaseUrl, schema, async (engine) => {
    const result = await engine.diff({
      from: { tag: "schemaDatasource", files, configDir: process.cwd() },
      to: { tag: "schemaDatamodel", files },
      script: true,
      exitCode: null,
      filters: noFilters,
    });
    return normaliseScript(result.stdout ?? "");
  });
}

/** Prisma prints a comment for an empty diff; treat it as no SQL at all. */
function normaliseScript(script: string): string {
  const meaningful = script
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.trim().startsWith("--"));
  return meaningful.length === 0 ? "" : script.trim();
}
