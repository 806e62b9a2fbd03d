// Runs a round's allocation on a file, for audits and for reproducing a recorded result:
//   npx tsx scripts/allocate.ts INPUT.json
// INPUT.json holds { seed, opportunities: [{ id, seats }], trainees: [{ id, placedBefore, ranking }] },
// or is the file "Download the round" gives ({ input, result }), whose input is run; the result is
// printed as canonical JSON, byte for byte the same for the same input (and the same as the
// downloaded file's result). Anything wrong with the file is one line on stderr and exit code 2.
import { readFileSync, statSync } from "node:fs";

import { allocate, parseAllocationInput, resultJson } from "../app/models/allocation";

const MAX_BYTES = 50 * 1024 * 1024;

class InputError extends Error {}

function readInput(file: string): unknown {
  let size: number;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) throw new InputError(`${file} is not a file`);
    size = stats.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? `${file} does not exist` : `${file} cannot be read (${code ?? "unknown error"})`);
  }
  if (size > MAX_BYTES) throw new InputError(`${file} is ${Math.ceil(size / 1024 / 1024)} MB; the most this reads is 50 MB`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new InputError(`${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A downloaded round is { input, result }: its input is what the allocation ran on. */
function inputOf(value: unknown): unknown {
  const isDownload = typeof value === "object" && value !== null && !Array.isArray(value) && "input" in value && "result" in value && !("seed" in value);
  return isDownload ? (value as { input: unknown }).input : value;
}

function main(args: string[]): number {
  if (args.length !== 1) {
    console.error("Usage: npx tsx scripts/allocate.ts INPUT.json");
    return 2;
  }
  const file = args[0]!;
  try {
    const parsed = parseAllocationInput(inputOf(readInput(file)));
    if (!parsed.ok) throw new InputError(`${file}: ${parsed.message}`);
    process.stdout.write(resultJson(allocate(parsed.input)));
    return 0;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    console.error(error.message);
    return 2;
  }
}

process.exitCode = main(process.argv.slice(2));
