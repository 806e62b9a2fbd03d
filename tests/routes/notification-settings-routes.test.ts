// /account/notifications and /unsubscribe/:token: guards, statuses, what is stored, and the
// one-click POST a mail client sends from no page (through the real server's cross-site guard).
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { emailOptOuts } from "@db/schema";
import { unsubscribeToken } from "~/models/email-preferences.server";
import * as settings from "~/routes/account.notifications";
import * as unsubscribe from "~/routes/unsubscribe.$token";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeTrainee, makeTrust, makeUser } from "../helpers/factories";
import { scratchDatabase, startServer } from "../helpers/server";

const t = useTestDatabase();

async function optOutsOf(userId: string) {
  return (await t.db.select({ kind: emailOptOuts.kind }).from(emailOptOuts).where(eq(emailOptOuts.userId, userId))).map((r) => r.kind).sort();
}

describe("the notification settings page", () => {
  it("sends a signed-out visitor to sign in, for the page and for saving", async () => {
    for (const res of [
      await callRoute(t.db, settings.loader, getRequest("/account/notifications")),
      await callRoute(t.db, settings.action, formRequest("/account/notifications", { email: "nudge" })),
    ]) {
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toMatch(/^\/sign-in/);
    }
  });

  it("lists the kinds each role is sent, all on at first; an administrator has none", async () => {
    const trainee = await makeTrainee(t.db);
    const dme = await makeUser(t.db, { role: "dme", trustId: (await makeTrust(t.db)).id });
    const admin = await makeUser(t.db, { role: "admin" });
    const kindsOf = async (id: string) => ((await (await callRoute(t.db, settings.loader, getRequest("/account/notifications", await sessionCookieFor(t.db, id)))).json()) as { kinds: { kind: string; email: boolean }[] }).kinds;
    expect((await kindsOf(trainee.id)).map((k) => k.kind)).toEqual(["application_event", "round_event", "nudge", "shortlist_deadline", "round_closing", "session_tomorrow", "reflection_due"]);
    expect(await kindsOf(dme.id)).toEqual([{ kind: "application_event", email: true }, { kind: "round_event", email: true }, { kind: "offer_waiting", email: true }]);
    expect(await kindsOf(admin.id)).toEqual([]);
  });

  it("saves the ticked kinds as on and the rest of the role's as off; another role's kinds sent in the form are ignored", async () => {
    const dme = await makeUser(t.db, { role: "dme", trustId: (await makeTrust(t.db)).id });
    const cookie = await sessionCookieFor(t.db, dme.id);
    const res = await callRoute(t.db, settings.action, formRequest("/account/notifications", { email: ["application_event", "shortlist_deadline", "<script>"] }, cookie));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/account/notifications?saved=1");
    expect(await optOutsOf(dme.id)).toEqual(["offer_waiting", "round_event"]);
  });
});

describe("the unsubscribe page", () => {
  it("asks on GET and changes nothing; the button turns only that kind off, for only that account", async () => {
    const [a, b] = [await makeTrainee(t.db), await makeTrainee(t.db)];
    const token = await unsubscribeToken(t.db, a.id, "session_tomorrow");
    const get = await callRoute(t.db, unsubscribe.loader, getRequest(`/unsubscribe/${token}`), { token });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ label: "Sessions tomorrow", off: false });
    expect(await optOutsOf(a.id)).toEqual([]);
    const post = await callRoute(t.db, unsubscribe.action, formRequest(`/unsubscribe/${token}`, {}), { token });
    expect(post.status).toBe(200);
    expect(await optOutsOf(a.id)).toEqual(["session_tomorrow"]);
    expect(await optOutsOf(b.id)).toEqual([]);
    // Twice is the same as once.
    expect((await callRoute(t.db, unsubscribe.action, formRequest(`/unsubscribe/${token}`, {}), { token })).status).toBe(200);
  });

  it("answers a forged, altered or junk token with 404, never a 500, on GET and POST", async () => {
    const trainee = await makeTrainee(t.db);
    const token = await unsubscribeToken(t.db, trainee.id, "nudge");
    for (const bad of [`${token.slice(0, -2)}AA`, "nonsense", "a.b", "%E0%A4%A", `${Buffer.from(`${trainee.id}\nround_event`).toString("base64url")}.${token.split(".")[1]}`]) {
      expect((await callRoute(t.db, unsubscribe.loader, getRequest(`/unsubscribe/x`), { token: bad })).status).toBe(404);
      expect((await callRoute(t.db, unsubscribe.action, formRequest(`/unsubscribe/x`, {}), { token: bad })).status).toBe(404);
    }
    expect(await optOutsOf(trainee.id)).toEqual([]);
  });
});

describe("one-click unsubscribe through the server (RFC 8058)", () => {
  const SECRET = "route-test-secret-0123456789abcdef";
  const USER = "oneclicktraineeid01";
  let server: Awaited<ReturnType<typeof startServer>>;
  let database: Awaited<ReturnType<typeof scratchDatabase>>;
  beforeAll(async () => {
    database = await scratchDatabase({ seeded: false });
    await database.sql(`insert into users (id, email, name, role) values ('${USER}', 'one.click@example.nhs.uk', 'Dr One Click', 'trainee')`);
    server = await startServer({ APP_SECRET: SECRET, SEED_DEMO_DATA: "false" }, { database });
  });
  afterAll(async () => {
    await server?.dispose();
    await database?.dispose();
  });

  it("takes a mail client's POST with no Origin or Referer, while other POSTs without them stay refused", async () => {
    process.env.APP_SECRET = SECRET;
    let token: string;
    try {
      token = await unsubscribeToken(t.db, USER, "reflection_due");
    } finally {
      delete process.env.APP_SECRET;
    }
    const oneClick = await fetch(`${server.url}/unsubscribe/${token}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(oneClick.status).toBe(200);
    const after = await fetch(`${server.url}/unsubscribe/${token}`);
    expect((await after.text()).replaceAll("<!-- -->", "")).toContain("You will no longer get e-mails about reflections to write");
    const forged = await fetch(`${server.url}/unsubscribe/${token.slice(0, -2)}AA`, { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(forged.status).toBe(404);
    const elsewhere = await fetch(`${server.url}/account/notifications`, { method: "POST", body: "email=nudge", headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    expect(elsewhere.status).toBe(403);
  });

  it("answers an unsubscribe POST carrying another site's Origin (a webmail's one-click) by its token, never with a 500", async () => {
    process.env.APP_SECRET = SECRET;
    let token: string;
    try {
      token = await unsubscribeToken(t.db, USER, "nudge");
    } finally {
      delete process.env.APP_SECRET;
    }
    const headers = { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://mail.example.com" };
    const forged = await fetch(`${server.url}/unsubscribe/not-a-token`, { method: "POST", headers, body: "List-Unsubscribe=One-Click" });
    expect(forged.status).toBe(404);
    const oneClick = await fetch(`${server.url}/unsubscribe/${token}`, { method: "POST", headers, body: "List-Unsubscribe=One-Click" });
    expect(oneClick.status).toBe(200);
    const after = await fetch(`${server.url}/unsubscribe/${token}`);
    expect((await after.text()).replaceAll("<!-- -->", "")).toContain("You will no longer get e-mails about");
    // Other POSTs from another site are still refused by the cross-site guard.
    const elsewhere = await fetch(`${server.url}/account/notifications`, { method: "POST", headers, body: "email=nudge" });
    expect(elsewhere.status).toBe(403);
  });
});
