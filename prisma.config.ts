import { defineConfig } from "prisma/config";

// The Prisma CLI is used here only for `validate` and `generate` (both run on WebAssembly);
// migrations are applied by our own migrator (src/db/migrate.ts), see README.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/placeholder" },
});
