// Make sure a Chromium binary is present for the browser tests (playwright-core
// drives Debian's chromium; it does not download its own browser).
// Run before the test suite: `node scripts/ensure-chromium.mjs`.
// Set CHROMIUM_PATH to use a binary somewhere other than /usr/bin/chromium.
import { accessSync, constants } from "node:fs";
import { spawnSync } from "node:child_process";
import { delimiter, join } from "node:path";

const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const hint =
  "Chromium is needed for the browser tests. Install it with: sudo apt-get install -y chromium";

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function hasAptGet() {
  const dirs = (process.env.PATH || "").split(delimiter).filter(Boolean);
  return dirs.some((dir) => isExecutable(join(dir, "apt-get")));
}

function run(cmd, args) {
  const result = spawnSync(cmd, args, {
    stdio: "inherit",
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(" ")} exited with status ${result.status ?? result.signal}`);
  }
}

if (isExecutable(chromium)) process.exit(0);

// Only install unattended where that is safe to do: as root (CI, containers) with apt.
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
if (!isRoot || !hasAptGet()) {
  console.error(hint);
  process.exit(1);
}

console.log(`${chromium} not found: installing Debian's chromium package (apt-get)...`);
try {
  run("apt-get", ["update"]);
  run("apt-get", ["install", "-y", "chromium"]);
} catch (error) {
  console.error(`Installing chromium failed: ${error.message}`);
  console.error(hint);
  process.exit(1);
}

if (!isExecutable(chromium)) {
  console.error(`The chromium package was installed but ${chromium} is still missing or not executable.`);
  if (process.env.CHROMIUM_PATH) console.error("Check CHROMIUM_PATH, or unset it to use /usr/bin/chromium.");
  process.exit(1);
}
console.log(`Chromium installed at ${chromium}.`);
