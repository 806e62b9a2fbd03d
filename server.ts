// The production server: migrates the database, seeds demo data outside production,
// then serves the Remix build with security headers and a same-origin guard.
import path from "node:path";
import { fileURLToPath } from "node:url";

import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";

import { resolveSession } from "./app/auth.server";
import { createNonce, isSameOriginRequest, securityHeaders } from "./app/security.server";
import { pollIntervalFromEnv, senderFromEnv, startOutboxWorker, type OutboxWorker } from "./app/models/outbox-worker.server";
import { SCHEDULED_JOBS } from "./app/jobs.server";
import { startScheduler } from "./app/scheduler.server";
import { getDatabase } from "./db/client";
import { DEMO_PASSWORD, hasDemoAccounts, listDemoAccounts, seedDemoData } from "./db/seed/demo";

const root = path.dirname(fileURLToPath(import.meta.url));
const production = process.env.NODE_ENV === "production";
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? (production ? "0.0.0.0" : "127.0.0.1");

async function main() {
  const database = await getDatabase();
  await database.migrate();

  if (production) {
    if (await hasDemoAccounts(database.db)) {
      console.error(
        "Refusing to start in production: demo accounts (@demo.test) exist in this database. Remove them first.",
      );
      await database.close();
      process.exit(1);
    }
  } else if (process.env.SEED_DEMO_DATA !== "false") {
    const seeded = await seedDemoData(database.db);
    if (seeded) console.log("Demo data added to the empty database.");
    const accounts = await listDemoAccounts(database.db);
    if (accounts.length) {
      console.log(`Demo accounts (password: ${DEMO_PASSWORD}):`);
      for (const a of accounts) console.log(`  ${a.role.padEnd(10)} ${a.email}`);
    }
  }

  const build = (await import(path.join(root, "build/index.js"))) as unknown as ServerBuild;
  const app = express();
  app.disable("x-powered-by");
  if (process.env.TRUST_PROXY) app.set("trust proxy", process.env.TRUST_PROXY);

  app.use((_req, res, next) => {
    const nonce = createNonce();
    res.locals.nonce = nonce;
    for (const [name, value] of Object.entries(securityHeaders({ nonce, production }))) res.setHeader(name, value);
    next();
  });

  app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y", index: false }));
  app.use(express.static(path.join(root, "public"), { maxAge: "1h", index: false }));

  app.use((req, res, next) => {
    const appOrigin = process.env.APP_ORIGIN ?? `${req.protocol}://${req.get("host")}`;
    const ok = isSameOriginRequest(req.method, { origin: req.get("origin"), referer: req.get("referer") }, appOrigin);
    if (!ok) {
      res.status(403).type("text/plain").send("This request came from another site and was refused.");
      return;
    }
    // Pages carry personal data: never keep them in a shared or browser cache.
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  app.all(
    "*",
    createRequestHandler({
      build,
      mode: production ? "production" : "development",
      getLoadContext: async (req, res) => {
        const session = await resolveSession(database.db, req.get("cookie") ?? null);
        for (const cookie of session.setCookies) res.append("Set-Cookie", cookie);
        return {
          nonce: res.locals.nonce as string,
          clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
          user: session.user,
          sessionId: session.sessionId,
        };
      },
    }),
  );

  // A malformed address (bad percent-encoding) fails before Remix sees it: answer plainly, log no URL.
  app.use((error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    const status = error instanceof URIError || (error as { status?: number }).status === 400 ? 400 : 500;
    if (status === 500) console.error("Request failed:", error instanceof Error ? error.message : "unknown error");
    res
      .status(status)
      .type("html")
      .send(
        `<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>${status === 400 ? "Page not found" : "Sorry, there is a problem with the service"} – Invitational</title></head><body><main style="font-family:Arial,sans-serif;max-width:640px;margin:40px auto;padding:0 16px"><h1>${status === 400 ? "Page not found" : "Sorry, there is a problem with the service"}</h1><p>${status === 400 ? "Check the web address is correct." : "Try again later."}</p><p><a href="/">Go to the Invitational home page</a></p></main></body></html>`,
      );
  });

  const server = app.listen(port, host, () => {
    console.log(`Invitational is serving on http://localhost:${port} (${database.driver})`);
  });

  // E-mail outbox: sent from this process unless OUTBOX_WORKER=off; scripts/outbox-worker.ts may run alongside.
  let outbox: OutboxWorker | null = null;
  if (process.env.OUTBOX_WORKER !== "off") {
    const { sender, description } = senderFromEnv();
    outbox = startOutboxWorker(database.db, { sender, intervalMs: pollIntervalFromEnv(), origin: process.env.APP_ORIGIN ?? `http://localhost:${port}` });
    console.log(`E-mail outbox: sending to ${description}.`);
  }

  // Timed work (the daily clean-up) runs once across every process sharing the database.
  const scheduler = startScheduler(database.db, SCHEDULED_JOBS);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // The worker finishes its batch (and releases its row locks) before the database closes.
    const worker = Promise.all([outbox?.stop(), scheduler.stop()]);
    server.close(() => {
      worker.finally(() => database.close().finally(() => process.exit(0)));
    });
    server.closeAllConnections();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error("Invitational failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
