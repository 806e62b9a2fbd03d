// APP_ORIGIN at start-up: links in e-mails are built from it, never from a Host header in production.
import { spawn } from "node:child_process";
import path from "node:path";

import { describe, expect, it, onTestFinished } from "vitest";

import { SettingError } from "~/utils/env.server";
import { checkAppOrigin } from "~/utils/origin.server";

describe("APP_ORIGIN", () => {
  it("a forged Host header could point an e-mailed reset link at another site: production needs APP_ORIGIN", () => {
    expect(() => checkAppOrigin(undefined, true)).toThrow(SettingError);
    expect(() => checkAppOrigin("", true)).toThrow(/required in production/);
    expect(() => checkAppOrigin("https://invitational.example.nhs.uk", true)).not.toThrow();
    // Outside production the request's origin stands in for it.
    expect(() => checkAppOrigin(undefined, false)).not.toThrow();
  });

  it("refuses anything but an origin, which every same-origin check and link needs", () => {
    for (const bad of ["invitational.example.nhs.uk", "https://invitational.example.nhs.uk/", "https://invitational.example.nhs.uk/app", "ftp://x.example", "not a url"]) {
      expect(() => checkAppOrigin(bad, false), bad).toThrow(/APP_ORIGIN must be the public origin/);
    }
    expect(() => checkAppOrigin("http://localhost:3000", false)).not.toThrow();
  });
});

describe("the standalone outbox worker", () => {
  it("sent e-mails whose links had no host when APP_ORIGIN was unset: it refuses to start", async () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: "postgres://nobody@127.0.0.1:9/nothing" };
    delete env.APP_ORIGIN;
    const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/outbox-worker.ts"], { cwd: root, env });
    // A worker that did start would run until stopped: it is stopped when the test ends.
    onTestFinished(() => void child.kill("SIGKILL"));
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("The outbox worker did not start: APP_ORIGIN must be the public origin of the service");
  });
});
