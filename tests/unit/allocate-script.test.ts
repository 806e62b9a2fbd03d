// scripts/allocate.ts as an auditor runs it: a round's file in, the canonical result out, and one
// clear line with exit code 2 for anything wrong with the file.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { afterAll, describe, expect, it } from "vitest";

import { allocate, resultJson } from "~/models/allocation";
import { roundDownloadJson } from "~/models/round-close.server";
import type { RoundRecord } from "~/models/round-rules";

import { generateRound } from "../bench/allocation-data";

const root = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "allocate-script-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runScript(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/allocate.ts", ...args], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

function file(name: string, text: string): string {
  const at = path.join(dir, name);
  writeFileSync(at, text);
  return at;
}

describe("scripts/allocate.ts", () => {
  it("prints resultJson(allocate(input)), byte for byte the same on two runs", async () => {
    const { input } = generateRound({ seed: "script", trainees: 400, opportunities: 60, seats: 150, maxChoices: 5, zipf: 1, firstTimerShare: 0.5 });
    const at = file("round.json", JSON.stringify(input));
    const [first, second] = await Promise.all([runScript(at), runScript(at)]);
    expect(first).toEqual({ code: 0, stdout: resultJson(allocate(input)), stderr: "" });
    expect(second.stdout).toBe(first.stdout);
  });

  it("reads the file Download the round gives as it is, and prints its result byte for byte", async () => {
    const { input } = generateRound({ seed: "download", trainees: 120, opportunities: 20, seats: 40, maxChoices: 5, zipf: 1, firstTimerShare: 0.5 });
    const download = roundDownloadJson({ input, result: allocate(input) } as unknown as RoundRecord);
    const run = await runScript(file("round-downloaded.json", download));
    expect(run).toEqual({ code: 0, stdout: resultJson(allocate(input)), stderr: "" });
    expect(download).toBe(`{"input":${JSON.stringify(input)},"result":${run.stdout}}\n`);
  });

  const refusals: [string, () => string[], string][] = [
    ["no argument", () => [], "Usage: npx tsx scripts/allocate.ts INPUT.json"],
    ["a missing file", () => [path.join(dir, "absent.json")], `${path.join(dir, "absent.json")} does not exist`],
    ["a folder", () => [dir], `${dir} is not a file`],
    [
      "a file over 50 MB, before reading it",
      () => {
        const at = file("huge.json", "");
        truncateSync(at, 50 * 1024 * 1024 + 1); // sparse: no time or disk spent writing it
        return [at];
      },
      `${path.join(dir, "huge.json")} is 51 MB; the most this reads is 50 MB`,
    ],
    ["invalid JSON", () => [file("broken.json", '{"seed": ')], `${path.join(dir, "broken.json")} is not valid JSON: `],
    [
      "an unknown opportunity ranked",
      () => [file("unknown.json", JSON.stringify({ seed: "s", opportunities: [{ id: "x", seats: 1 }], trainees: [{ id: "a", placedBefore: 0, ranking: ["x", "y"] }] }))],
      `${path.join(dir, "unknown.json")}: trainees[0].ranking[1]: "y" is not an opportunity in the input`,
    ],
    [
      "seats that are not a whole number",
      () => [file("seats.json", JSON.stringify({ seed: "s", opportunities: [{ id: "x", seats: 0.5 }], trainees: [] }))],
      `${path.join(dir, "seats.json")}: opportunities[0].seats: must be a whole number from 0 to 1000`,
    ],
  ];
  it.each(refusals)("refuses %s with one line on stderr and exit code 2, no stack trace", async (_name, args, message) => {
    const { code, stdout, stderr } = await runScript(...args());
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.startsWith(message)).toBe(true);
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});
