// The outbox against a real SMTP server (smtp-server on loopback) and a real database.
import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";

import { asc, eq, sql } from "drizzle-orm";
import { SMTPServer, type SMTPServerError } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { logSender, mailServerBackoffMs, smtpSender, startOutboxWorker } from "~/models/outbox-worker.server";
import {
  isMailServerDown,
  OUTBOX_MAX_ATTEMPTS,
  processOutboxBatch,
  queueEmail,
  retryDelayMs,
  type EmailFact,
  type OutgoingEmail,
  type Sender,
} from "~/models/outbox.server";
import { hashToken } from "~/models/users.server";
import { openDatabase, pingDatabase, queryRows, type DbOrTx } from "@db/client";
import { emailOutbox, invitations, users } from "@db/schema";

import { usingPostgres, useTestDatabase } from "../helpers/db";
import { makeApplicationEvent, makeTrainee, makeUser } from "../helpers/factories";
import { freePort } from "../helpers/server";

const t = useTestDatabase();

interface Delivery {
  to: string[];
  raw: string;
}

/** Decides per message whether the server refuses it; null accepts. */
type Refusal = (to: string[]) => SMTPServerError | null;

function smtpError(message: string, responseCode: number): SMTPServerError {
  return Object.assign(new Error(message), { responseCode });
}

const mail = {
  deliveries: [] as Delivery[],
  refuse: (() => null) as Refusal,
  /** Resolves at the next accepted message. */
  nextDelivery: null as null | ((d: Delivery) => void),
  server: null as SMTPServer | null,
  url: "",
};

beforeAll(async () => {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    secure: false,
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        const refusal = mail.refuse(to);
        if (refusal) return callback(refusal);
        const delivery = { to, raw: Buffer.concat(chunks).toString("utf8") };
        mail.deliveries.push(delivery);
        mail.nextDelivery?.(delivery);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  mail.server = server;
  mail.url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (mail.server ? mail.server.close(resolve) : resolve()));
});

beforeEach(() => {
  mail.deliveries = [];
  mail.refuse = () => null;
  mail.nextDelivery = null;
});

function deliveriesTo(address: string) {
  return mail.deliveries.filter((d) => d.to.includes(address)).length;
}

async function outboxRows() {
  return t.db.select().from(emailOutbox).orderBy(asc(emailOutbox.id));
}

/** Simulates time passing: every pending retry becomes due. */
async function makeRetriesDue() {
  await t.db.update(emailOutbox).set({ nextAttemptAt: sql`now() - interval '1 second'` });
}

/** An invitation to the address and its e-mail, queued as a fact like any other. */
async function email(to: string, db: DbOrTx = t.db): Promise<EmailFact> {
  const token = randomBytes(8).toString("hex");
  const [invitation] = await db
    .insert(invitations)
    .values({ email: to, name: "Sam Example", role: "admin", tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 86_400_000) })
    .returning({ id: invitations.id });
  return { kind: "staff_invitation", toAddress: to, invitationId: invitation!.id, link: `http://localhost:3000/invitations/${token}` };
}

const SUBJECT = "You have been invited to Invitational";

describe("the outbox worker with an SMTP server", () => {
  it("delivers a queued e-mail once and marks it sent", async () => {
    await queueEmail(t.db, await email("priya@example.nhs.uk"));
    const sender = smtpSender(mail.url);

    expect(await processOutboxBatch(t.db, sender)).toEqual({ claimed: 1, sent: 1, retried: 0, failed: 0, cancelled: 0, mailServerDown: false });
    expect(await processOutboxBatch(t.db, sender)).toEqual({ claimed: 0, sent: 0, retried: 0, failed: 0, cancelled: 0, mailServerDown: false });

    expect(mail.deliveries).toHaveLength(1);
    expect(mail.deliveries[0]!.to).toEqual(["priya@example.nhs.uk"]);
    expect(mail.deliveries[0]!.raw).toMatch(/^Subject: You have been invited to Invitational\r?$/m);
    expect(mail.deliveries[0]!.raw).toMatch(/^From: Invitational <no-reply@invitational\.nhs\.uk>\r?$/m);
    expect(mail.deliveries[0]!.raw).toContain("Dear Sam Example,");
    // Quoted-printable: soft line breaks ("=" at a line's end) joined again.
    expect(mail.deliveries[0]!.raw.replace(/=\r?\n/g, "")).toMatch(/http:\/\/localhost:3000\/invitations\/[0-9a-f]{16}/);
    const [row] = await outboxRows();
    // The one-time link is kept only until the message has gone.
    expect(row).toMatchObject({ status: "sent", attempts: 1, lastError: null, secret: null, leaseId: null });
    expect(row!.sentAt).toBeInstanceOf(Date);
  });

  it("retries later when the server refuses the first attempt, then delivers exactly once", async () => {
    await queueEmail(t.db, await email("sam@example.nhs.uk"));
    let refusals = 0;
    mail.refuse = () => (refusals++ === 0 ? smtpError("try later", 451) : null);
    const sender = smtpSender(mail.url);

    const before = Date.now();
    expect(await processOutboxBatch(t.db, sender)).toMatchObject({ sent: 0, retried: 1 });
    let [row] = await outboxRows();
    expect(row).toMatchObject({ status: "pending", attempts: 1, sentAt: null });
    expect(row!.lastError).toMatch(/451 try later/);
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(before + 25_000);
    expect(mail.deliveries).toHaveLength(0);

    // Not yet due: nothing happens.
    expect(await processOutboxBatch(t.db, sender)).toMatchObject({ claimed: 0 });

    await makeRetriesDue();
    expect(await processOutboxBatch(t.db, sender)).toMatchObject({ sent: 1 });
    expect(await processOutboxBatch(t.db, sender)).toMatchObject({ claimed: 0 });
    [row] = await outboxRows();
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
    expect(deliveriesTo("sam@example.nhs.uk")).toBe(1);
  });

  it("keeps addresses the server quotes out of last_error", async () => {
    await queueEmail(t.db, await email("jo.bloggs@example.nhs.uk"));
    mail.refuse = (to) => smtpError(`mailbox <${to[0]}> is full`, 452);
    await processOutboxBatch(t.db, smtpSender(mail.url));
    const [row] = await outboxRows();
    expect(row!.lastError).toContain("j***@example.nhs.uk");
    expect(row!.lastError).not.toContain("jo.bloggs");
  });

  it("gives up after the maximum number of attempts", async () => {
    await queueEmail(t.db, await email("gone@example.nhs.uk"));
    mail.refuse = () => smtpError("no such mailbox", 550);
    const sender = smtpSender(mail.url);

    for (let attempt = 1; attempt < OUTBOX_MAX_ATTEMPTS; attempt++) {
      expect(await processOutboxBatch(t.db, sender)).toMatchObject({ retried: 1, failed: 0 });
      await makeRetriesDue();
    }
    expect(await processOutboxBatch(t.db, sender)).toMatchObject({ retried: 0, failed: 1 });
    const [row] = await outboxRows();
    expect(row).toMatchObject({ status: "failed", attempts: OUTBOX_MAX_ATTEMPTS, sentAt: null });
    expect(row!.lastError).toMatch(/550 no such mailbox/);

    await makeRetriesDue();
    expect(await processOutboxBatch(t.db, sender)).toMatchObject({ claimed: 0 });
    expect(mail.deliveries).toHaveLength(0);
  });

  it("sends each message exactly once with two workers running at the same time", async () => {
    const addresses = Array.from({ length: 30 }, (_, i) => `trainee${i}@example.nhs.uk`);
    await t.db.transaction(async (tx) => {
      for (const to of addresses) await queueEmail(tx, await email(to, tx));
    });

    // On PostgreSQL each worker has its own pool, as two processes would.
    const second = t.url ? await openDatabase({ url: t.url, poolSize: 2 }) : null;
    try {
      const smtp = smtpSender(mail.url);
      // On PostgreSQL, each worker's first send waits until the other has claimed and is
      // sending too: both hold row locks at once, so this proves SKIP LOCKED (plain FOR
      // UPDATE would deadlock here, no locking would deliver twice). PGlite runs one
      // transaction at a time, so there the workers simply take turns.
      let arrived = 0;
      let release!: () => void;
      const bothSending = new Promise<void>((resolve) => (release = resolve));
      const worker = (db: typeof t.db) => {
        let first = true;
        const sender: Sender = {
          async send(message) {
            if (usingPostgres && first) {
              first = false;
              if (++arrived === 2) release();
              await bothSending;
            }
            await smtp.send(message);
          },
        };
        return (async () => {
          let sent = 0;
          for (;;) {
            const result = await processOutboxBatch(db, sender);
            sent += result.sent;
            if (result.claimed === 0) return sent;
          }
        })();
      };

      const sentBy = await Promise.all([worker(t.db), worker(second?.db ?? t.db)]);
      expect(sentBy[0]! + sentBy[1]!).toBe(30);
      if (usingPostgres) expect(sentBy.every((n) => n > 0)).toBe(true);
    } finally {
      await second?.close();
    }

    expect(mail.deliveries).toHaveLength(30);
    for (const to of addresses) expect(deliveriesTo(to)).toBe(1);
    const rows = await outboxRows();
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
  });

  it("runs in the background until stopped", async () => {
    const delivered = new Promise<Delivery>((resolve) => (mail.nextDelivery = resolve));
    const worker = startOutboxWorker(t.db, { sender: smtpSender(mail.url), intervalMs: 20 });
    try {
      await queueEmail(t.db, await email("lee@example.nhs.uk"));
      expect((await delivered).to).toEqual(["lee@example.nhs.uk"]);
    } finally {
      // stop() waits for the batch in flight, so its row is committed afterwards.
      await worker.stop();
    }
    const [row] = await outboxRows();
    expect(row).toMatchObject({ status: "sent" });
    expect(deliveriesTo("lee@example.nhs.uk")).toBe(1);
  });

  it("logs a failed poll without personal data and keeps polling", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    // The database fails once (as a lost connection would), then works.
    let calls = 0;
    const flaky = new Proxy(t.db, {
      get(target, property, receiver) {
        if (property === "execute" && calls++ === 0) return () => Promise.reject(new Error("lost while reading kim@example.nhs.uk, params: x"));
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await queueEmail(t.db, await email("kim@example.nhs.uk"));
    const delivered = new Promise<Delivery>((resolve) => (mail.nextDelivery = resolve));
    const worker = startOutboxWorker(flaky, { sender: smtpSender(mail.url), intervalMs: 20 });
    try {
      expect((await delivered).to).toEqual(["kim@example.nhs.uk"]);
      await worker.stop();
      const lines = errors.mock.calls.map((args) => args.join(" "));
      // The error's class only (its stack frames follow outside production), never its message.
      expect(lines[0]).toBe("Outbox worker: poll failed: error=Error");
      expect(lines.join("\n")).not.toContain("k***@example.nhs.uk");
      expect(lines.join("\n")).not.toContain("lost while reading");
      expect(lines.join("\n")).not.toContain("params");
    } finally {
      await worker.stop();
      errors.mockRestore();
    }
    expect((await outboxRows())[0]).toMatchObject({ status: "sent", attempts: 1 });
  });
});

describe("a mail server that is down", () => {
  async function queueThree() {
    for (const to of ["ada@example.nhs.uk", "ben@example.nhs.uk", "cy@example.nhs.uk"]) await queueEmail(t.db, await email(to));
    return outboxRows();
  }

  it("costs no message an attempt when it refuses connections: the batch stops at the first, every row keeps its due time and attempts", async () => {
    const before = await queueThree();
    const nothingListening = smtpSender(`smtp://127.0.0.1:${await freePort()}`);
    const result = await processOutboxBatch(t.db, nothingListening);
    expect(result).toEqual({ claimed: 3, sent: 0, retried: 0, failed: 0, cancelled: 0, mailServerDown: true });
    const after = await outboxRows();
    for (const [i, row] of after.entries()) {
      expect(row).toMatchObject({ status: "pending", attempts: 0, leaseId: null, leasedUntil: null });
      expect(row.nextAttemptAt.getTime()).toBe(before[i]!.nextAttemptAt.getTime());
    }
    // Only the message tried says why; the others were not tried.
    expect(after.map((r) => r.lastError !== null)).toEqual([true, false, false]);
    // Still due: the next batch takes them again, and they go once the server is back.
    expect(await processOutboxBatch(t.db, smtpSender(mail.url))).toMatchObject({ sent: 3 });
    expect(mail.deliveries.map((d) => d.to[0])).toEqual(["ada@example.nhs.uk", "ben@example.nhs.uk", "cy@example.nhs.uk"]);
  });

  it("treats a 421 (service not available) the same way, and a 550 as that one message's failure", async () => {
    await queueThree();
    mail.refuse = () => smtpError("Service not available, closing transmission channel", 421);
    expect(await processOutboxBatch(t.db, smtpSender(mail.url))).toMatchObject({ claimed: 3, sent: 0, retried: 0, mailServerDown: true });
    expect((await outboxRows()).map((r) => r.attempts)).toEqual([0, 0, 0]);

    mail.refuse = (to) => (to[0] === "ada@example.nhs.uk" ? smtpError("no such mailbox", 550) : null);
    expect(await processOutboxBatch(t.db, smtpSender(mail.url))).toMatchObject({ sent: 2, retried: 1, mailServerDown: false });
    expect(isMailServerDown(Object.assign(new Error("x"), { code: "EENVELOPE", responseCode: 550 }))).toBe(false);
    expect(isMailServerDown(Object.assign(new Error("x"), { code: "ESOCKET" }))).toBe(true);
  });

  it("sends a batch in order of due time, not of the order the rows were written", async () => {
    const rows = await queueThree();
    // Written ada, ben, cy; due cy, ada, ben.
    const dueAt = (seconds: number) => sql`now() - (${seconds} * interval '1 second')`;
    await t.db.update(emailOutbox).set({ nextAttemptAt: dueAt(20) }).where(eq(emailOutbox.id, rows[2]!.id));
    await t.db.update(emailOutbox).set({ nextAttemptAt: dueAt(10) }).where(eq(emailOutbox.id, rows[0]!.id));
    await t.db.update(emailOutbox).set({ nextAttemptAt: dueAt(5) }).where(eq(emailOutbox.id, rows[1]!.id));
    expect(await processOutboxBatch(t.db, smtpSender(mail.url))).toMatchObject({ sent: 3 });
    expect(mail.deliveries.map((d) => d.to[0])).toEqual(["cy@example.nhs.uk", "ada@example.nhs.uk", "ben@example.nhs.uk"]);
  });

  it("makes the worker wait longer each time it finds the server down, up to its longest wait", () => {
    expect([1, 2, 3, 4, 5].map((n) => mailServerBackoffMs(n, 5_000, 60_000, () => 0))).toEqual([5_000, 10_000, 20_000, 40_000, 60_000]);
    expect(mailServerBackoffMs(50, 5_000, 60_000, () => 0)).toBe(60_000);
    expect(mailServerBackoffMs(1, 5_000, 60_000, () => 0.999)).toBeLessThanOrEqual(5_500);
  });
});

/** A sender that waits, mid-send, until released: a mail server taking its time. */
function stalledSender() {
  let release!: () => void;
  let arrived!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const sending = new Promise<void>((resolve) => (arrived = resolve));
  const sent: string[] = [];
  const sender: Sender = {
    async send(message) {
      arrived();
      await released;
      sent.push(message.to);
    },
  };
  return { sender, sending, release, sent };
}

describe("a slow mail server", () => {
  it("does not freeze the app: no transaction or row lock is held while a message is being sent", async () => {
    await queueEmail(t.db, await email("slow@example.nhs.uk"));
    const stalled = stalledSender();
    const batch = processOutboxBatch(t.db, stalled.sender);
    await stalled.sending;
    // On PGlite an open transaction would make this wait for the mail server; on PostgreSQL a held
    // row lock would make NOWAIT fail at once.
    await pingDatabase(t.db);
    const locked = await queryRows<{ id: number }>(t.db, sql`select id from email_outbox for update nowait`);
    expect(locked).toHaveLength(1);
    stalled.release();
    expect(await batch).toMatchObject({ claimed: 1, sent: 1 });
    expect(stalled.sent).toEqual(["slow@example.nhs.uk"]);
  });

  it("never sends a message twice: a second worker skips a message another is sending", async () => {
    await queueEmail(t.db, await email("once@example.nhs.uk"));
    const first = stalledSender();
    const batch = processOutboxBatch(t.db, first.sender);
    await first.sending;
    const second = stalledSender();
    second.release();
    expect(await processOutboxBatch(t.db, second.sender)).toMatchObject({ claimed: 0, sent: 0 });
    first.release();
    await batch;
    expect(await processOutboxBatch(t.db, second.sender)).toMatchObject({ claimed: 0 });
    expect([...first.sent, ...second.sent]).toEqual(["once@example.nhs.uk"]);
  });

  it("e-mails claimed by a stopping worker were held until their lease ran out: the ones it had not reached are released at once", async () => {
    const addresses = ["one@example.nhs.uk", "two@example.nhs.uk", "three@example.nhs.uk"];
    for (const to of addresses) await queueEmail(t.db, await email(to));
    const stopping = new AbortController();
    const sent: string[] = [];
    // The process is told to stop while it sends the first message of its batch.
    const sender: Sender = {
      async send(message) {
        stopping.abort();
        sent.push(message.to);
      },
    };
    expect(await processOutboxBatch(t.db, sender, { signal: stopping.signal })).toMatchObject({ claimed: 3, sent: 1 });
    const rows = await outboxRows();
    expect(rows.map((r) => ({ status: r.status, leaseId: r.leaseId, leasedUntil: r.leasedUntil, attempts: r.attempts }))).toEqual([
      { status: "sent", leaseId: null, leasedUntil: null, attempts: 1 },
      { status: "pending", leaseId: null, leasedUntil: null, attempts: 0 },
      { status: "pending", leaseId: null, leasedUntil: null, attempts: 0 },
    ]);
    // Another worker sends them now, not in five minutes.
    expect(await processOutboxBatch(t.db, sender)).toMatchObject({ claimed: 2, sent: 2 });
    expect(sent).toEqual(addresses);
  });

  it("a stopped worker's batch finishes the message it is sending and sends no more", async () => {
    for (const to of ["first@example.nhs.uk", "second@example.nhs.uk"]) await queueEmail(t.db, await email(to));
    const stalled = stalledSender();
    const worker = startOutboxWorker(t.db, { sender: stalled.sender, intervalMs: 20 });
    await stalled.sending;
    const stopped = worker.stop();
    stalled.release();
    await stopped;
    const rows = await outboxRows();
    expect(rows.map((r) => [r.status, r.leaseId])).toEqual([
      ["sent", null],
      ["pending", null],
    ]);
  });

  it("sends again a message whose worker died mid-send, once its lease has run out", async () => {
    await queueEmail(t.db, await email("orphan@example.nhs.uk"));
    await t.db.update(emailOutbox).set({ leaseId: randomUUID(), leasedUntil: sql`now() + interval '5 minutes'`, attempts: 1 });
    const sender = stalledSender();
    sender.release();
    expect(await processOutboxBatch(t.db, sender.sender)).toMatchObject({ claimed: 0 });
    await t.db.update(emailOutbox).set({ leasedUntil: sql`now() - interval '1 second'` });
    expect(await processOutboxBatch(t.db, sender.sender)).toMatchObject({ claimed: 1, sent: 1 });
    expect((await outboxRows())[0]).toMatchObject({ status: "sent", attempts: 2 });
  });
});

describe("messages worded when sent", () => {
  it("are cancelled, not sent, when the recipient's account is disabled or closed before sending", async () => {
    const trainee = await makeTrainee(t.db);
    const e = await makeApplicationEvent(t.db, { traineeId: trainee.id, title: "Join the board" });
    await queueEmail(t.db, { kind: "application_event", recipientId: trainee.id, applicationId: e.applicationId, eventId: e.eventId, audience: "trainee" });
    await t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, trainee.id));
    const sender = stalledSender();
    sender.release();
    expect(await processOutboxBatch(t.db, sender.sender)).toMatchObject({ claimed: 1, sent: 0, cancelled: 1 });
    expect(sender.sent).toEqual([]);
    expect((await outboxRows())[0]).toMatchObject({ status: "cancelled" });
  });

  it("use the trainee's name as it is at sending, and a link on the public origin", async () => {
    const trainee = await makeTrainee(t.db, { name: "Dr Ada Old" });
    const lead = await makeUser(t.db, { role: "admin" });
    const e = await makeApplicationEvent(t.db, { traineeId: trainee.id, title: "Join the board", toStatus: "submitted", actorId: trainee.id });
    await queueEmail(t.db, { kind: "application_event", recipientId: lead.id, applicationId: e.applicationId, eventId: e.eventId, audience: "trust_lead" });
    await t.db.update(users).set({ name: "Dr Ada New" }).where(eq(users.id, trainee.id));
    const delivered: OutgoingEmail[] = [];
    await processOutboxBatch(t.db, { send: async (m) => void delivered.push(m) }, { origin: "https://invitational.example.nhs.uk" });
    // An optional kind: the message ends with the link that turns that kind of e-mail off.
    expect(delivered).toEqual([
      {
        to: lead.email,
        subject: "Invitational: New application: Join the board",
        text: expect.stringMatching(
          new RegExp(`^Dr Ada New has applied for Join the board\\.\\n\\nSee it in Invitational: https://invitational\\.example\\.nhs\\.uk/applications/${e.applicationId}\\n\\nYou get this e-mail because e-mails about "changes to applications" are on for your account\\. To stop them \\(you will still see them in Invitational\\): https://invitational\\.example\\.nhs\\.uk/unsubscribe/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$`),
        ),
        headers: { "List-Unsubscribe": expect.stringMatching(/^<https:\/\/invitational\.example\.nhs\.uk\/unsubscribe\/.+>$/), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      },
    ]);
  });
});

describe("without a mail server", () => {
  it("logs the message with the address masked, never the address or the body", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      await queueEmail(t.db, await email("priya.patel@nhs.net"));
      expect(await processOutboxBatch(t.db, logSender())).toMatchObject({ sent: 1 });
      const lines = log.mock.calls.map((args) => args.map(String).join(" "));
      expect(lines).toEqual([`Email to p***@nhs.net: ${SUBJECT}`]);
      expect(lines.join("\n")).not.toContain("priya.patel");
      expect(lines.join("\n")).not.toContain("invitations/");
    } finally {
      log.mockRestore();
    }
    expect((await outboxRows())[0]).toMatchObject({ status: "sent" });
  });
});

describe("retry delays", () => {
  it("doubles from 30 seconds, stops at an hour and adds at most 10% jitter", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, () => 0))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(8, () => 0)).toBe(3_600_000);
    expect(retryDelayMs(30, () => 0)).toBe(3_600_000);
    expect(retryDelayMs(1, () => 0.999)).toBeLessThanOrEqual(33_000);
  });
});
