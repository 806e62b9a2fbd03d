// The mail server down for two real minutes (first refusing connections, then answering 421),
// then accepting: every queued e-mail arrives exactly once, in order of due time, no message
// used up an attempt on the outage, and the app serves pages throughout. The file's one test
// takes the two minutes plus about 20 s (a private PostgreSQL, a production server, delivery).
import { randomBytes } from "node:crypto";

import postgres from "postgres";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { get, openPrivate, post, startProductionServer, waitFor } from "../helpers/faults";
import { makeTrainee } from "../helpers/factories";
import { startPrivatePostgres, type PrivatePostgres } from "../helpers/private-postgres";
import { freePort } from "../helpers/server";

const OUTAGE_MS = 120_000;
const SEEDED = 8;
const THROUGH_THE_APP = 4;

/** An SMTP server on a fixed port that can be closed (connections refused), answer 421, or accept. */
function flakyMailServer(port: number) {
  let mode: "refuse" | "421" | "accept" = "refuse";
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    secure: false,
    logger: false,
    disableReverseLookup: true,
    onConnect(_session, callback) {
      if (mode === "421") return callback(Object.assign(new Error("Service not available, closing transmission channel"), { responseCode: 421 }));
      callback();
    },
    onData(stream, session, callback) {
      stream.on("data", () => {});
      stream.on("end", () => {
        received.push(...session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  let listening = false;
  return {
    received,
    get mode() {
      return mode;
    },
    /** Listens from now on, answering every connection with 421 until `accept`. */
    async answer421() {
      mode = "421";
      await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
      listening = true;
    },
    accept() {
      mode = "accept";
    },
    close: () => new Promise<void>((resolve) => (listening ? server.close(resolve) : resolve())),
  };
}

let pg: PrivatePostgres;
let app: Awaited<ReturnType<typeof startProductionServer>>;
let smtp: ReturnType<typeof flakyMailServer>;
let check: postgres.Sql;
/** Each message's recipient and its due time as written (not as the worker may have changed it). */
const expected: { email: string; dueAt: number }[] = [];
const appTrainees: string[] = [];

beforeAll(async () => {
  pg = await startPrivatePostgres();
  check = postgres(pg.url, { max: 1, onnotice: () => {} });
  const database = await openPrivate(pg);
  try {
    for (let i = 0; i < SEEDED + THROUGH_THE_APP; i++) {
      const t = await makeTrainee(database.db);
      if (i >= SEEDED) appTrainees.push(t.email);
      else {
        // Due times out of step with the order the rows are written (ids): some due a minute
        // ago, newest first, and two that fall due while the mail server is down.
        const offsetSeconds = i < 6 ? -60 + (6 - i) * 5 : i === 6 ? 20 : 70;
        const [row] = await check<{ due: Date }[]>`
          insert into email_outbox (kind, recipient_id, secret, next_attempt_at)
          values ('password_reset', ${t.id}, ${`https://invitational.example/reset-password/${randomBytes(8).toString("hex")}`}, now() + ${offsetSeconds} * interval '1 second')
          returning next_attempt_at as due`;
        expected.push({ email: t.email, dueAt: row!.due.getTime() });
      }
    }
  } finally {
    await database.close();
  }
  const port = await freePort();
  smtp = flakyMailServer(port);
  app = await startProductionServer(pg, { SMTP_URL: `smtp://127.0.0.1:${port}`, OUTBOX_POLL_MS: "500", OUTBOX_MAX_BACKOFF_MS: "4000" });
});

afterAll(async () => {
  await app?.dispose();
  await smtp?.close();
  await check?.end({ timeout: 1 });
  await pg?.dispose();
});

describe("the mail server down for two minutes", () => {
  it("delivers every queued e-mail exactly once, in order of due time, and the app serves pages throughout", async ({ onTestFailed }) => {
    onTestFailed(() => console.log(app.output().slice(-4000)));
    const started = Date.now();
    let pagesServed = 0;
    const pageFailures: string[] = [];
    let asked = 0;

    /** One round of the app at work: pages answer, and now and then a trainee asks for a reset link (an e-mail queued). */
    const appAtWork = async () => {
      for (const path of ["/opportunities", "/sign-in", "/healthz"]) {
        const res = await get(app.url, path);
        if (res.status === 200) pagesServed += 1;
        else pageFailures.push(`${path} answered ${res.status} while the mail server was ${smtp.mode}`);
        await res.arrayBuffer();
      }
      const due = Math.floor(((Date.now() - started) / OUTAGE_MS) * THROUGH_THE_APP);
      if (asked < THROUGH_THE_APP && asked <= due) {
        const email = appTrainees[asked]!;
        asked += 1;
        const res = await post(app.url, "/forgot-password", { email });
        expect(res.status).toBe(302);
        const row = await waitFor(async () => {
          const [r] = await check<{ created: Date }[]>`
            select o.created_at as created from email_outbox o join users u on u.id = o.recipient_id where u.email = ${email}`;
          return r;
        });
        expected.push({ email, dueAt: row.created.getTime() });
      }
    };

    // First minute: nothing listens on the port (connections refused).
    await waitFor(async () => {
      await appAtWork();
      return Date.now() - started >= OUTAGE_MS / 2;
    }, 1_000);
    // Second minute: the server answers every connection with 421.
    await smtp.answer421();
    await waitFor(async () => {
      await appAtWork();
      return Date.now() - started >= OUTAGE_MS && asked === THROUGH_THE_APP;
    }, 1_000);

    // The outage used up nobody's attempts and nothing was given up or sent.
    const during = await check<{ status: string; attempts: number }[]>`select status::text as status, attempts from email_outbox`;
    expect(during).toHaveLength(SEEDED + THROUGH_THE_APP);
    expect(during.every((r) => r.status === "pending" && r.attempts === 0)).toBe(true);
    expect(smtp.received).toEqual([]);

    smtp.accept();
    await waitFor(async () => {
      const [r] = await check<{ left: number }[]>`select count(*)::int as left from email_outbox where status <> 'sent'`;
      return r!.left === 0;
    }, 200);

    const inDueOrder = [...expected].sort((a, b) => a.dueAt - b.dueAt).map((e) => e.email);
    expect(smtp.received).toEqual(inDueOrder);
    const after = await check<{ attempts: number }[]>`select attempts from email_outbox`;
    expect(after.every((r) => r.attempts === 1)).toBe(true);
    expect(pageFailures).toEqual([]);
    expect(pagesServed).toBeGreaterThan(30);
    console.log(`mail down: ${SEEDED + THROUGH_THE_APP} e-mails delivered once each in due order, ${pagesServed} pages served during ${Math.round((Date.now() - started) / 1000)} s`);
  }, 300_000);
});
