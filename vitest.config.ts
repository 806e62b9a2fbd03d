import path from "node:path";

import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "~": path.resolve(import.meta.dirname, "app"),
      "@db": path.resolve(import.meta.dirname, "db"),
    },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    globalSetup: ["tests/helpers/global-setup.ts"],
    environment: "node",
    pool: "forks",
    // Browser journeys start servers and Chromium: fail loudly rather than hang.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here: more workers only fight over them.
    maxWorkers: 2,
  },
});
