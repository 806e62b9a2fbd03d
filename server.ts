// The production server: migrates the database, seeds demo data outside production,
// then serves the Remix build with a request id, security headers, compression, a limit on
// request bodies and a same-origin guard.
import { randomUUID } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The adapter's own request and response functions (exported by its server module, not its
// index; the version is pinned): the app builds the request itself to limit its body.
import { createRemixRequest, sendRemixResponse } from "@remix-run/express/dist/server.js";
import { createReadableStreamFromReadable, createRequestHandler, type ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";

import { resolveSession } from "./app/auth.server";
import { getCis2 } from "./app/cis2.server";
import { createMetrics, metricsTokenFromEnv } from "./app/metrics.server";
import { createNonce, isSameOriginRequest, isTokenAuthorisedPost, securityHeaders } from "./app/security.server";
import { pollIntervalFromEnv, senderFromEnv, startOutboxWorker, type OutboxWorker } from "./app/models/outbox-worker.server";
import { SCHEDULED_JOBS } from "./app/jobs.server";
import { startScheduler } from "./app/scheduler.server";
import { gracefulShutdown, shutdownTimeoutFromEnv } from "./app/shutdown.server";
import { bodyLimitFor, declaresTooMuch, limitedBody, type BodyLimit } from "./app/utils/body-limit.server";
import { SettingError } from "./app/utils/env.server";
import { logError } from "./app/utils/log.server";
import { checkAppOrigin } from "./app/utils/origin.server";
import { plainPage } from "./app/utils/plain-page.server";
import { logMethod, requestLogLine, routePatterns } from "./app/utils/request-log.server";
import { classifyUnavailable, unavailableResponse, type Unavailability } from "./app/utils/unavailable.server";
import { parseTrustProxy } from "./app/utils/trust-proxy.server";
import { getDatabase } from "./db/client";
import { migrateOnStartFromEnv, prepareSchema } from "./db/migrate";

const root = path.dirname(fileURLToPath(import.meta.url));
const production = process.env.NODE_ENV === "production";
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? (production ? "0.0.0.0" : "127.0.0.1");
const TOO_LARGE_LINGER_MS = 5_000;

/** Loaded now, awaited when needed: start-up does the slow parts (opening the database, loading the build) side by side. */
function early<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

async function main() {
  // Settings first: a wrong one stops start-up with its own message before anything is opened.
  const trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
  checkAppOrigin(process.env.APP_ORIGIN, production);
  const metricsToken = metricsTokenFromEnv(process.env.METRICS_TOKEN);
  const migrateOnStart = migrateOnStartFromEnv(process.env.MIGRATE_ON_START);
  const shutdownTimeoutMs = shutdownTimeoutFromEnv();
  // NHS CIS2 settings (issue 14): a wrong one stops start-up here, naming the variable.
  const cis2 = getCis2();
  // The provider's authorisation and end-session addresses are on its issuer's origin.
  const formActions = cis2 ? [new URL(cis2.issuer).origin] : [];

  const buildLoading = early(import(path.join(root, "build/index.js")) as Promise<ServerBuild>);
  const seedLoading = early(import("./db/seed/demo"));
  const database = await getDatabase();
  await prepareSchema(database, migrateOnStart);

  if (production) {
    const { hasDemoAccounts } = await seedLoading;
    if (await hasDemoAccounts(database.db)) {
      console.error(
        "Refusing to start in production: demo accounts (@demo.test) exist in this database. Remove them first.",
      );
      await database.close();
      process.exit(1);
    }
  } else if (process.env.SEED_DEMO_DATA !== "false") {
    const { DEMO_PASSWORD, listDemoAccounts, seedDemoData } = await seedLoading;
    const seeded = await seedDemoData(database.db);
    if (seeded) console.log("Demo data added to the empty database.");
    const accounts = await listDemoAccounts(database.db);
    if (accounts.length) {
      console.log(`Demo accounts (password: ${DEMO_PASSWORD}):`);
      for (const a of accounts) console.log(`  ${a.role.padEnd(10)} ${a.email}`);
    }
  }

  const build = await buildLoading;
  const handleRemix = createRequestHandler(build, production ? "production" : "development");
  // The pages the server writes itself use the app's own stylesheets (root's links).
  const rootLinks = (build.routes.root?.module as { links?: () => { rel?: string; href?: string }[] }).links?.() ?? [];
  const stylesheets = rootLinks.filter((l) => l.rel === "stylesheet" && l.href).map((l) => l.href!);

  const sendTooLarge = (req: express.Request, res: express.Response, limit: BodyLimit) => {
    // The rest of the body is discarded as it arrives, never kept: closing the connection at
    // once would reset it, and a browser still sending would lose this page. A client that
    // goes on sending for longer than a few seconds is cut off.
    req.unpipe();
    req.resume();
    res.on("finish", () => {
      if (req.complete) return;
      const cutOff = setTimeout(() => req.socket.destroy(), TOO_LARGE_LINGER_MS);
      cutOff.unref();
      req.once("end", () => clearTimeout(cutOff));
    });
    res.status(413).type("html").send(plainPage({ title: limit.title, paragraphs: [limit.message], stylesheets }));
  };

  // 503 with Retry-After while the database is unreachable or a statement ran out of time
  // (app/utils/unavailable.server.ts); logged without personal data like any other failure.
  const sendUnavailable = (req: express.Request, res: express.Response, kind: Unavailability) => {
    const requestId = res.locals.requestId as string | undefined;
    console.error(`Request answered 503: requestId=${requestId ?? ""} method=${req.method} reason=${kind}`);
    const answer = unavailableResponse(kind, { dataRequest: "_data" in req.query, stylesheets, reference: requestId });
    res.statusMessage = answer.statusText;
    res.status(answer.status).set(answer.headers).send(answer.body);
  };

  const app = express();
  app.disable("x-powered-by");
  if (trustProxy !== undefined) app.set("trust proxy", trustProxy);

  app.use((_req, res, next) => {
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    const nonce = createNonce();
    res.locals.nonce = nonce;
    for (const [name, value] of Object.entries(securityHeaders({ nonce, production, formActions }))) res.setHeader(name, value);
    next();
  });

  // One JSON line per request on stdout, and its duration in the metrics: the route's pattern,
  // never the address or its query (app/utils/request-log.server.ts). "close" comes for every
  // request, also one whose client went away before the answer was complete.
  const routeOf = routePatterns(build.routes, { publicDir: path.join(root, "public"), serverRoutes: ["/metrics"] });
  const metrics = metricsToken ? createMetrics({ database, token: metricsToken }) : null;
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    // Read now: a mounted middleware (the static files) shortens req.url for its own use.
    const route = routeOf(req.path);
    res.once("close", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const entry = { requestId: res.locals.requestId as string, method: req.method, route, status: res.statusCode, durationMs: seconds * 1000 };
      process.stdout.write(`${requestLogLine({ ...entry, aborted: !res.writableFinished })}\n`);
      metrics?.observeRequest(logMethod(req.method), route, res.statusCode, seconds);
    });
    next();
  });

  // A body announced as too large is refused before a byte of it is read.
  app.use((req, res, next) => {
    const limit = bodyLimitFor(req.path);
    if (declaresTooMuch(req.get("content-length"), limit)) return sendTooLarge(req, res, limit);
    next();
  });

  // gzip or brotli for pages, CSS and JS; Remix flushes each chunk it writes, so a streamed page
  // still streams. From 512 bytes rather than the default 1 KB: a page loads a score of small
  // script chunks, and sent as they are they added a kilobyte to the first load.
  app.use(compression({ threshold: 512 }));

  app.use("/build", express.static(path.join(root, "public/build"), { immutable: true, maxAge: "1y", index: false }));
  // The rest of public/ (icons, the manifest, robots.txt) is fixed once built: in production its
  // files are listed at start-up, so a page's address costs no look-up on disk (serve-static
  // otherwise stats public/<path> on every request, 2% of a page's CPU).
  const servePublic = express.static(path.join(root, "public"), { maxAge: "1h", index: false });
  if (production) {
    const publicFiles = publicFilePaths(path.join(root, "public"));
    app.use((req, res, next) => (publicFiles.has(req.path) ? servePublic(req, res, next) : next()));
  } else app.use(servePublic);

  app.use((req, res, next) => {
    const appOrigin = process.env.APP_ORIGIN ?? `${req.protocol}://${req.get("host")}`;
    const tokenAuthorised = isTokenAuthorisedPost(req.method, req.path);
    const ok = tokenAuthorised || isSameOriginRequest(req.method, { origin: req.get("origin"), referer: req.get("referer") }, appOrigin);
    // Its signed token authorises an unsubscribe POST, wherever it comes from; Remix's own origin
    // check would answer one sent with another site's Origin (a mail client's one-click) with a 500.
    if (tokenAuthorised) delete req.headers.origin;
    if (!ok) {
      res.status(403).type("text/plain").send("This request came from another site and was refused.");
      return;
    }
    // Pages carry personal data: never keep them in a shared or browser cache.
    res.setHeader("Cache-Control", "no-store");
    next();
  });

  // Prometheus metrics, only when METRICS_TOKEN is set; without it the address does not exist.
  if (metrics) app.get("/metrics", (req, res) => metrics.handle(req, res));

  app.all("*", async (req, res, next) => {
    const limit = bodyLimitFor(req.path);
    let tooLarge = false;
    const stopped = new AbortController();
    try {
      const request = remixRequest(req, res, limit, stopped.signal, () => {
        tooLarge = true;
        // Loaders and actions still running are stopped, and Remix logs nothing for them.
        stopped.abort();
      });
      const session = await resolveSession(database.db, req.get("cookie") ?? null);
      for (const cookie of session.setCookies) res.append("Set-Cookie", cookie);
      const serverErrors: unknown[] = [];
      const response = await handleRemix(request, {
        nonce: res.locals.nonce as string,
        requestId: res.locals.requestId as string,
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
        user: session.user,
        sessionId: session.sessionId,
        serverErrors,
        unreadNotifications: session.unreadNotifications,
      });
      if (tooLarge) return sendTooLarge(req, res, limit);
      // A loader or action that met an unreachable database or a statement timeout: 503, not the 500 page.
      const unavailable = response.status >= 500 ? serverErrors.map(classifyUnavailable).find(Boolean) : null;
      if (unavailable) {
        await response.body?.cancel();
        return sendUnavailable(req, res, unavailable);
      }
      await sendRemixResponse(res, response);
    } catch (error) {
      if (tooLarge && !res.headersSent) return sendTooLarge(req, res, limit);
      next(error);
    }
  });

  // A malformed address (bad percent-encoding) fails before Remix sees it: answer plainly.
  app.use((error: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    // The session lookup before Remix meets an unreachable database first, for a signed-in person.
    const unavailable = classifyUnavailable(error);
    if (unavailable) return sendUnavailable(req, res, unavailable);
    const status = error instanceof URIError || (error as { status?: number }).status === 400 ? 400 : 500;
    const requestId = res.locals.requestId as string | undefined;
    if (status === 500) logError("Request failed", error, { requestId, method: req.method });
    res
      .status(status)
      .type("html")
      .send(
        status === 400
          ? plainPage({ title: "Page not found", paragraphs: ["Check the web address is correct."], stylesheets })
          : plainPage({ title: "Sorry, there is a problem with the service", paragraphs: ["Try again later."], stylesheets, reference: requestId }),
      );
  });

  const server = app.listen(port, host, () => {
    console.log(`Invitational is serving on http://localhost:${port} (${database.driver})`);
  });
  // The port taken by another program, say: one line saying so, not a crash with a stack trace.
  server.on("error", (error) => {
    logError("Invitational could not listen", error);
    process.exit(1);
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

  // SIGTERM or SIGINT: requests in progress finish, the outbox and the scheduler hand back the
  // work they claimed but did not do, then the database closes (app/shutdown.server.ts).
  const stop = gracefulShutdown({
    server,
    workers: [...(outbox ? [outbox] : []), scheduler],
    releaseRunningJob: () => scheduler.release(),
    closeDatabase: () => database.close(),
    timeoutMs: shutdownTimeoutMs,
  });
  process.on("SIGINT", (signal) => void stop(signal));
  process.on("SIGTERM", (signal) => void stop(signal));
}

/**
 * The Fetch API request Remix reads, built by @remix-run/express's own function (address,
 * headers, abort on a closed connection) but with the body passed through the size limit.
 * The adapter would read `req` itself, so it is given a view of `req` that has no body.
 */
function remixRequest(req: express.Request, res: express.Response, limit: BodyLimit, stopped: AbortSignal, onTooLarge: () => void): Request {
  const withoutBody = Object.create(req, { method: { value: "GET" } }) as express.Request;
  const base = createRemixRequest(withoutBody, res);
  const signal = AbortSignal.any([base.signal, stopped]);
  if (req.method === "GET" || req.method === "HEAD") return new Request(base, { signal });
  const body = createReadableStreamFromReadable(limitedBody(req, limit, onTooLarge));
  return new Request(base.url, { method: req.method, headers: base.headers, signal, body, duplex: "half" } as RequestInit);
}

main().catch((error: unknown) => {
  // A wrong setting says what to change; anything else is logged like every other error.
  if (error instanceof SettingError) console.error(`Invitational did not start: ${error.message}`);
  else logError("Invitational failed to start", error);
  process.exit(1);
});

/** The addresses of public/'s files, build/ apart (served by its own route), as a browser asks for them. */
function publicFilePaths(dir: string): Set<string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true });
  return new Set(
    files
      .filter((f) => f.isFile())
      .map((f) => path.relative(dir, path.join(f.parentPath, f.name)).split(path.sep))
      .filter((parts) => parts[0] !== "build")
      .map((parts) => `/${parts.map(encodeURIComponent).join("/")}`),
  );
}
