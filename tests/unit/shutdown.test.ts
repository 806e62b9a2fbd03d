// Stopping a server process: its setting, requests in progress finishing, and what happens when
// the time is up (a real HTTP server in this process; the parts it stops are stand-ins).
import http from "node:http";
import type { AddressInfo } from "node:net";

import { describe, expect, it } from "vitest";

import { DEFAULT_SHUTDOWN_TIMEOUT_MS, gracefulShutdown, shutdownTimeoutFromEnv } from "~/shutdown.server";
import { SettingError } from "~/utils/env.server";

describe("SHUTDOWN_TIMEOUT_MS", () => {
  it("is 10 seconds unless set, and refuses a value that is not a whole number of at least 2000 ms", () => {
    expect(shutdownTimeoutFromEnv({})).toBe(DEFAULT_SHUTDOWN_TIMEOUT_MS);
    expect(DEFAULT_SHUTDOWN_TIMEOUT_MS).toBe(10_000);
    expect(shutdownTimeoutFromEnv({ SHUTDOWN_TIMEOUT_MS: "30000" })).toBe(30_000);
    for (const value of ["ten", "1500", "2.5e3x", "-1", "2000.5"]) {
      expect(() => shutdownTimeoutFromEnv({ SHUTDOWN_TIMEOUT_MS: value })).toThrow(SettingError);
    }
  });
});

/** A server whose requests wait until the test answers them. */
async function heldServer() {
  const waiting: http.ServerResponse[] = [];
  let arrived: () => void = () => {};
  const server = http.createServer((_req, res) => {
    waiting.push(res);
    arrived();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    server,
    url,
    waiting,
    nextRequest: () => new Promise<void>((resolve) => (arrived = resolve)),
  };
}

function request(url: string, agent?: http.Agent): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
      })
      .on("error", reject);
  });
}

describe("stopping gracefully", () => {
  it("lets a request in progress finish, closes its kept-alive connection, stops the workers, closes the database and exits 0", async () => {
    const held = await heldServer();
    const agent = new http.Agent({ keepAlive: true });
    const steps: string[] = [];
    let exited!: (code: number) => void;
    const exit = new Promise<number>((resolve) => (exited = resolve));
    const stop = gracefulShutdown({
      server: held.server,
      workers: [{ stop: async () => void steps.push("worker stopped") }],
      releaseRunningJob: async () => (steps.push("released"), null),
      closeDatabase: async () => void steps.push("database closed"),
      timeoutMs: 60_000,
      exit: exited,
    });
    const arrived = held.nextRequest();
    const inProgress = request(held.url, agent);
    await arrived;
    const stopping = stop("SIGTERM");
    expect(stop("SIGTERM")).toBe(stopping);
    held.waiting[0]!.end("done");
    expect(await inProgress).toMatchObject({ status: 200 });
    expect(await exit).toBe(0);
    expect(steps).toEqual(["worker stopped", "database closed"]);
    agent.destroy();
  });

  it("cuts what is still open when time is up, hands back the job still running, and still exits 0", async () => {
    const held = await heldServer();
    let exited!: (code: number) => void;
    const exit = new Promise<number>((resolve) => (exited = resolve));
    const steps: string[] = [];
    const stop = gracefulShutdown({
      server: held.server,
      // A job that never finishes by itself.
      workers: [{ stop: () => new Promise<void>(() => {}) }],
      releaseRunningJob: async () => (steps.push("released"), "close-rounds"),
      closeDatabase: async () => void steps.push("database closed"),
      timeoutMs: 2_000,
      exit: exited,
    });
    const arrived = held.nextRequest();
    const neverAnswered = request(held.url).then(
      () => "answered",
      () => "cut",
    );
    await arrived;
    void stop("SIGTERM");
    expect(await neverAnswered).toBe("cut");
    expect(await exit).toBe(0);
    expect(steps).toEqual(["released", "database closed"]);
  });
});
