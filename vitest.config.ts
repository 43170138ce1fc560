import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Native addons (DuckDB) are safer in child processes than in worker threads.
    pool: "forks",
    globalSetup: ["test/support/fresh-build.ts"],
    testTimeout: 30_000,
  },
})
