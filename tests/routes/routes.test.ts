// Loaders and actions called directly with real Requests and session cookies: statuses,
// field messages and kept values, and the guards on every route.
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { openDatabase, PGLITE_OPTIONS, setDatabase } from "@db/client";
import { invitations, trusts, users } from "@db/schema";
import { PGlite } from "@electric-sql/pglite";
import * as adminTrust from "~/routes/admin.trusts.$id";
import * as adminTrustsNew from "~/routes/admin.trusts.new";
import * as adminUser from "~/routes/admin.users.$id";
import * as adminUsers from "~/routes/admin.users._index";
import * as invite from "~/routes/admin.users.invite";
import * as dmeHome from "~/routes/dme._index";
import * as healthz from "~/routes/healthz";
import * as acceptInvitation from "~/routes/invitations.$token";
import * as register from "~/routes/register";
import * as login from "~/routes/login";
import * as logout from "~/routes/logout";
import * as signIn from "~/routes/sign-in";
import * as signOut from "~/routes/sign-out";
import * as trustHome from "~/routes/trust._index";

import { useTestDatabase } from "../helpers/db";
import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";

const t = useTestDatabase();

async function body(res: Response) {
  return (await res.json()) as { fieldErrors?: Record<string, string>; formError?: string; values?: Record<string, string> };
}

describe("registration route", () => {
  it("answers bad input with 400, a message per field and the other values kept", async () => {
    const res = await callRoute(t.db, register.action, formRequest("/register", {
      name: "Dr Ada Lovelace", email: "ada@example.nhs.uk", gmcNumber: "12345", grade: "FY1", password: "short",
    }));
    expect(res.status).toBe(400);
    const data = await body(res);
    expect(data.fieldErrors).toEqual({
      gmcNumber: "GMC number must be 7 digits, like 1234567",
      password: "Password must be at least 12 characters",
    });
    expect(data.values).toMatchObject({ name: "Dr Ada Lovelace", email: "ada@example.nhs.uk", grade: "FY1" });
    expect(data.values).not.toHaveProperty("password");
    expect(await t.db.select().from(users)).toHaveLength(0);
  });

  it("answers a duplicate email address with 409 next to the field", async () => {
    await makeTrainee(t.db, { email: "ada@example.nhs.uk" });
    const res = await callRoute(t.db, register.action, formRequest("/register", {
      name: "Dr Ada Lovelace", email: "ADA@example.nhs.uk", gmcNumber: "1234567", grade: "FY1", password: "a long unusual passphrase",
    }));
    expect(res.status).toBe(409);
    expect((await body(res)).fieldErrors?.email).toMatch(/already exists/);
  });

  it("signs the new trainee in and sends them home", async () => {
    const res = await callRoute(t.db, register.action, formRequest("/register", {
      name: "Dr Ada Lovelace", email: "ada@example.nhs.uk", gmcNumber: "1234567", grade: "FY1", password: "a long unusual passphrase",
    }));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/trainee");
    expect(res.headers.get("Set-Cookie")).toMatch(/invitational_session=/);
  });
});

describe("sign-in route", () => {
  it("answers a wrong password with 400 and the shared message next to the email address", async () => {
    await makeTrainee(t.db, { email: "priya@example.nhs.uk" });
    const res = await callRoute(t.db, signIn.action, formRequest("/sign-in", { email: "priya@example.nhs.uk", password: "wrong password" }));
    expect(res.status).toBe(400);
    expect((await body(res)).fieldErrors).toEqual({ email: "Enter a correct email address and password" });
  });

  it("goes back where the user was going, but never to another site", async () => {
    await makeTrainee(t.db, { email: "priya@example.nhs.uk" });
    const back = await callRoute(t.db, signIn.action, formRequest("/sign-in", { email: "priya@example.nhs.uk", password: TEST_PASSWORD, redirectTo: "/trainee?tab=1" }));
    expect(back.headers.get("Location")).toBe("/trainee?tab=1");
    const away = await callRoute(t.db, signIn.action, formRequest("/sign-in", { email: "priya@example.nhs.uk", password: TEST_PASSWORD, redirectTo: "https://evil.example/" }));
    expect(away.headers.get("Location")).toBe("/trainee");
  });

  it("open redirect after sign-in: a tab in redirectTo never sends the user to another host", async () => {
    const trainee = await makeTrainee(t.db, { email: "priya@example.nhs.uk" });
    const phish = "/\t/evil.example/phish";
    // Signed in already: the loader sends the user on at once.
    const cookie = await sessionCookieFor(t.db, trainee.id);
    const signedIn = await callRoute(t.db, signIn.loader, getRequest(`/sign-in?redirectTo=${encodeURIComponent(phish)}`, cookie));
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("Location")).toBe("/trainee");
    const posted = await callRoute(t.db, signIn.action, formRequest("/sign-in", { email: "priya@example.nhs.uk", password: TEST_PASSWORD, redirectTo: phish }));
    expect(posted.headers.get("Location")).toBe("/trainee");
  });
});

describe("guessed addresses for signing in and out", () => {
  it("sends /login to the sign-in page, keeping a safe redirectTo and dropping one that leaves the site", async () => {
    const kept = await callRoute(t.db, login.loader, getRequest("/login?redirectTo=%2Ftrainee%2Fprofile"));
    expect(kept.status).toBe(301);
    expect(kept.headers.get("Location")).toBe("/sign-in?redirectTo=%2Ftrainee%2Fprofile");
    const dropped = await callRoute(t.db, login.loader, getRequest("/login?redirectTo=%2F%09%2Fevil.example"));
    expect(dropped.headers.get("Location")).toBe("/sign-in");
    expect((await callRoute(t.db, login.loader, getRequest("/login"))).headers.get("Location")).toBe("/sign-in");
  });

  it("sends /logout to the sign-out page, whose GET shows a Sign out button and ends no session", async () => {
    const trainee = await makeTrainee(t.db, { email: "priya@example.nhs.uk" });
    const cookie = await sessionCookieFor(t.db, trainee.id);
    const res = await callRoute(t.db, logout.loader, getRequest("/logout", cookie));
    expect(res.status).toBe(301);
    expect(res.headers.get("Location")).toBe("/sign-out");
    const page = await callRoute(t.db, signOut.loader, getRequest("/sign-out", cookie));
    expect(page.status).toBe(200);
    expect(page.headers.get("Set-Cookie")).toBeNull();
    // The session still works after both GETs.
    const still = await callRoute(t.db, signIn.loader, getRequest("/sign-in", cookie));
    expect(still.headers.get("Location")).toBe("/trainee");
  });
});

describe("guards on staff and admin routes", () => {
  it("lets only trust leads see the trust home, and only DMEs the DME home", async () => {
    const trust = await makeTrust(t.db);
    const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
    const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
    const leadCookie = await sessionCookieFor(t.db, lead.id);
    const dmeCookie = await sessionCookieFor(t.db, dme.id);
    expect((await callRoute(t.db, trustHome.loader, getRequest("/trust", leadCookie))).status).toBe(200);
    expect((await callRoute(t.db, trustHome.loader, getRequest("/trust", dmeCookie))).status).toBe(403);
    expect((await callRoute(t.db, dmeHome.loader, getRequest("/dme", dmeCookie))).status).toBe(200);
    expect((await callRoute(t.db, dmeHome.loader, getRequest("/dme", leadCookie))).status).toBe(403);
  });

  it("refuses admin loaders and actions to everyone but administrators", async () => {
    const trust = await makeTrust(t.db);
    const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id });
    const cookie = await sessionCookieFor(t.db, lead.id);
    expect((await callRoute(t.db, adminUsers.loader, getRequest("/admin/users", cookie))).status).toBe(403);
    const inviteRes = await callRoute(t.db, invite.action, formRequest("/admin/users/invite", { name: "X", email: "x@example.nhs.uk", role: "admin" }, cookie));
    expect(inviteRes.status).toBe(403);
    expect(await t.db.select().from(invitations)).toHaveLength(0);
    const edit = await callRoute(t.db, adminTrust.action, formRequest(`/admin/trusts/${trust.id}`, { odsCode: "AAA", name: "Hijacked", region: "London", integratedCareSystem: "X" }, cookie), { id: trust.id });
    expect(edit.status).toBe(403);
    const [row] = await t.db.select().from(trusts).where(eq(trusts.id, trust.id));
    expect(row!.name).toBe(trust.name);
  });

  it("sends a signed-out visitor to sign in", async () => {
    const res = await callRoute(t.db, adminUsers.loader, getRequest("/admin/users"));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/sign-in?redirectTo=%2Fadmin%2Fusers");
  });

  it("answers 404 for a trust or user that does not exist, or an id that is not one", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const cookie = await sessionCookieFor(t.db, admin.id);
    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await callRoute(t.db, adminTrust.loader, getRequest(`/admin/trusts/${missing}`, cookie), { id: missing })).status).toBe(404);
    expect((await callRoute(t.db, adminTrust.loader, getRequest("/admin/trusts/nonsense", cookie), { id: "nonsense" })).status).toBe(404);
    expect((await callRoute(t.db, adminUser.loader, getRequest("/admin/users/' or 1=1", cookie), { id: "' or 1=1" })).status).toBe(404);
  });

  it("keeps the admin's values when a new trust is refused", async () => {
    const admin = await makeUser(t.db, { role: "admin" });
    const cookie = await sessionCookieFor(t.db, admin.id);
    const res = await callRoute(t.db, adminTrustsNew.action, formRequest("/admin/trusts/new", { odsCode: "AB", name: "New Trust", region: "London", integratedCareSystem: "North Central London", sites: "One" }, cookie));
    expect(res.status).toBe(400);
    const data = await body(res);
    expect(data.fieldErrors?.odsCode).toMatch(/3 letters or numbers/);
    expect(data.values).toMatchObject({ name: "New Trust", sites: "One" });
  });
});

describe("invitation routes", () => {
  async function invited() {
    const admin = await makeUser(t.db, { role: "admin" });
    const trust = await makeTrust(t.db);
    const cookie = await sessionCookieFor(t.db, admin.id);
    const res = await callRoute(t.db, invite.action, formRequest("/admin/users/invite", { name: "Dr Helen Shah", email: "helen@example.nhs.uk", role: "dme", trustId: trust.id }, cookie));
    expect(res.status).toBe(200);
    const { link } = (await res.json()) as { link: string };
    return new URL(link).pathname.split("/").pop()!;
  }

  it("lets an administrator cancel an invitation not yet accepted, so its link stops working", async () => {
    const token = await invited();
    const [row] = await t.db.select({ id: invitations.id }).from(invitations);
    const admin = await makeUser(t.db, { role: "admin" });
    const cookie = await sessionCookieFor(t.db, admin.id);
    const cancel = (id: string, who = cookie) =>
      callRoute(t.db, adminUsers.action, formRequest("/admin/users", { intent: "cancel-invitation", invitationId: id }, who));

    const lead = await makeUser(t.db, { role: "trust_lead", trustId: (await makeTrust(t.db)).id });
    expect((await cancel(row!.id, await sessionCookieFor(t.db, lead.id))).status).toBe(403);
    const res = await cancel(row!.id);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/admin/users?done=cancelled#invitations");
    expect(await t.db.select().from(invitations)).toHaveLength(0);
    const accept = await callRoute(t.db, acceptInvitation.action, formRequest(`/invitations/${token}`, { name: "Dr Helen Shah", password: "a long unusual passphrase" }), { token });
    expect(accept.status).toBe(404);
    expect(await t.db.select().from(users).where(eq(users.email, "helen@example.nhs.uk"))).toHaveLength(0);
    // Gone already, or not an id: 404.
    expect((await cancel(row!.id)).status).toBe(404);
    expect((await cancel("1 or 1=1")).status).toBe(404);
    // A trainee's invitation (from a rotation import) can be cancelled too: the account stays, without a password.
    const trainee = await makeTrainee(t.db, { passwordHash: null });
    const [traineeInvitation] = await t.db
      .insert(invitations)
      .values({ email: trainee.email, role: "trainee", tokenHash: "c".repeat(64), expiresAt: new Date(Date.now() + 86_400_000), userId: trainee.id })
      .returning({ id: invitations.id });
    expect((await cancel(traineeInvitation!.id)).status).toBe(302);
    expect(await t.db.select().from(users).where(eq(users.id, trainee.id))).toHaveLength(1);
  });

  it("creates the account on first use and refuses a second use with 409", async () => {
    const token = await invited();
    const first = await callRoute(t.db, acceptInvitation.action, formRequest(`/invitations/${token}`, { name: "Dr Helen Shah", password: "a long unusual passphrase" }), { token });
    expect(first.status).toBe(302);
    expect(first.headers.get("Location")).toBe("/dme");
    const second = await callRoute(t.db, acceptInvitation.action, formRequest(`/invitations/${token}`, { name: "Someone Else", password: "a long unusual passphrase" }), { token });
    expect(second.status).toBe(409);
    expect((await body(second)).formError).toMatch(/already been used/);
    const page = await callRoute(t.db, acceptInvitation.loader, getRequest(`/invitations/${token}`), { token });
    expect(page.status).toBe(409);
  });

  it("answers an expired invitation with 410 and creates nothing", async () => {
    const token = await invited();
    await t.db.update(invitations).set({ createdAt: new Date(Date.now() - 9 * 864e5), expiresAt: new Date(Date.now() - 864e5) });
    const res = await callRoute(t.db, acceptInvitation.action, formRequest(`/invitations/${token}`, { name: "Dr Helen Shah", password: "a long unusual passphrase" }), { token });
    expect(res.status).toBe(410);
    expect((await body(res)).formError).toMatch(/expired/);
    expect(await t.db.select().from(users).where(eq(users.email, "helen@example.nhs.uk"))).toHaveLength(0);
  });

  it("checks the password before using up the invitation", async () => {
    const token = await invited();
    const res = await callRoute(t.db, acceptInvitation.action, formRequest(`/invitations/${token}`, { name: "Dr Helen Shah", password: "short" }), { token });
    expect(res.status).toBe(400);
    const [row] = await t.db.select().from(invitations);
    expect(row!.usedAt).toBeNull();
  });
});

describe("health check", () => {
  it("answers 503 when the database does not answer", async () => {
    const pglite = new PGlite(PGLITE_OPTIONS);
    const broken = await openDatabase({ pglite });
    await broken.close();
    setDatabase(broken);
    try {
      const res = (await healthz.loader()) as Response;
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "unavailable" });
    } finally {
      setDatabase(t.database);
    }
  });
});
