// The benchmark's PostgreSQL: an existing server named by BENCH_DATABASE_URL, or a
// throwaway PostgreSQL server started here the way .ci/run starts one.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";

import postgres from "postgres";

export const BENCH_DATABASE = "invitational_bench";

export interface BenchDatabase {
  /** URL of the fresh, empty benchmark database. */
  url: string;
  /** The postmaster's PID when this process started the server (for CPU accounting), else null. */
  postmasterPid: number | null;
  /** Drops the database, and stops the server if this process started it. Safe to call twice. */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port"))));
    });
  });
}

/** A fresh benchmark database on the server of `adminUrl` (dropped first if a previous run left it). */
async function createBenchDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    // WITH (FORCE) ends sessions a killed earlier run may have left (PostgreSQL 13+).
    await admin.unsafe(`drop database if exists ${BENCH_DATABASE} with (force)`);
    await admin.unsafe(`create database ${BENCH_DATABASE}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${BENCH_DATABASE}`;
  return {
    url: url.toString(),
    async drop() {
      const again = postgres(adminUrl, { max: 1, onnotice: () => {} });
      try {
        await again.unsafe(`drop database if exists ${BENCH_DATABASE} with (force)`);
      } finally {
        await again.end({ timeout: 5 });
      }
    },
  };
}

function newestPgBin(): string {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(path.join(base, v, "bin/initdb"))) : [];
  versions.sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  if (!newest) {
    throw new Error("No PostgreSQL server under /usr/lib/postgresql: `apt-get install -y postgresql`, or set BENCH_DATABASE_URL");
  }
  return path.join(base, newest, "bin");
}

/** Starts a private PostgreSQL server on a free loopback port; returns its admin URL and a stop function. */
async function startLocalServer(): Promise<{ adminUrl: string; pid: number | null; stop(): Promise<void> }> {
  const bin = newestPgBin();
  // initdb refuses to run as root, so as root the cluster belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", path.join(bin, command), ...args]] : [path.join(bin, command), args];
    return spawnSync(file, argv, { encoding: "utf8" });
  };
  // Under /tmp (not $TMPDIR) so the postgres user can reach it; it also holds the Unix socket
  // because the default socket directory may not exist.
  const dir = mkdtempSync("/tmp/invitational-bench-pg.");
  const dataDir = path.join(dir, "data");
  const stop = async () => {
    await stopPostmaster(dataDir);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    if (asRoot) execFileSync("chown", ["postgres:", dir]);
    const initdb = (locale: string) => run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", `--locale=${locale}`]);
    let result = initdb("C.UTF-8");
    if (result.status !== 0) {
      // C.UTF-8 matches production; plain C where that locale is not installed.
      rmSync(dataDir, { recursive: true, force: true });
      result = initdb("C");
      if (result.status !== 0) throw new Error(`initdb failed:\n${result.stdout}${result.stderr}`);
    }
    const port = await freePort();
    const started = run("pg_ctl", ["-w", "-D", dataDir, "-l", path.join(dir, "log"), "-o", `-p ${port} -h 127.0.0.1 -k ${dir}`, "start"]);
    if (started.status !== 0) {
      const log = existsSync(path.join(dir, "log")) ? readFileSync(path.join(dir, "log"), "utf8") : "";
      throw new Error(`PostgreSQL failed to start:\n${started.stderr}\n${log}`);
    }
    const version = spawnSync(path.join(bin, "postgres"), ["--version"], { encoding: "utf8" }).stdout.trim();
    console.log(`Started ${version} on 127.0.0.1:${port} (${dir})`);
    return { adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`, pid: readPostmasterPid(dataDir), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The first line of postmaster.pid, or null when the server is not running. */
function readPostmasterPid(dataDir: string): number | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const pid = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Stops the postmaster by PID with SIGINT (a "fast" shutdown), as .ci/run does; SIGQUIT after 30 s. */
async function stopPostmaster(dataDir: string): Promise<void> {
  const pid = readPostmasterPid(dataDir);
  if (!pid) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 60 && alive(); i++) await new Promise((r) => setTimeout(r, 500));
  if (alive()) {
    console.error(`PostgreSQL (pid ${pid}) did not stop within 30 s; sending SIGQUIT`);
    process.kill(pid, "SIGQUIT");
  }
}

export async function openBenchDatabase(): Promise<BenchDatabase> {
  const given = process.env.BENCH_DATABASE_URL;
  const server = given ? null : await startLocalServer();
  try {
    const database = await createBenchDatabase(given ?? server!.adminUrl);
    let disposed = false;
    return {
      url: database.url,
      postmasterPid: server?.pid ?? null,
      async dispose() {
        if (disposed) return;
        disposed = true;
        try {
          // A private server goes away whole; on a shared one only our database does.
          if (!server) await database.drop();
        } finally {
          await server?.stop();
        }
      },
    };
  } catch (error) {
    await server?.stop();
    throw error;
  }
}
