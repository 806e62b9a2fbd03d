// nhsuk-frontend's CSS refers to /assets/...: serve its assets from public/assets.
import { cpSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const from = path.join(root, "node_modules/nhsuk-frontend/dist/nhsuk/assets");
const to = path.join(root, "public/assets");
rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });
