// The production server (server.ts over the Remix build) as a child process on loopback.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface AppServer {
  url: string;
  /** The child's PID (tsx runs server.ts in a grandchild: measure the whole tree). */
  pid: number | undefined;
  output(): string;
  /** SIGTERM (the server closes its pool and exits), SIGKILL after 10 s. Safe to call twice. */
  stop(): Promise<void>;
}

export function ensureBuild(): void {
  if (existsSync(path.join(root, "build/index.js"))) return;
  console.log("No production build: running npm run build");
  const result = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) throw new Error("npm run build failed");
}

export async function startAppServer(options: { databaseUrl: string; port: number }): Promise<AppServer> {
  const child = spawn(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: options.databaseUrl,
      PORT: String(options.port),
      HOST: "127.0.0.1",
      APP_ORIGIN: `http://127.0.0.1:${options.port}`,
      DATABASE_POOL_SIZE: "10",
      // The bench sends no e-mail: the outbox's poll would be PostgreSQL work no request asked for.
      OUTBOX_WORKER: "off",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr.on("data", (d: Buffer) => (log += d.toString()));
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on("exit", (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const stop = async () => {
    if (exitCode !== undefined) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`The server exited with ${exitCode} before it was ready:\n${log}`);
    try {
      const res = await fetch(`${url}/healthz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The server was not healthy after 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, pid: child.pid, output: () => log, stop };
}
