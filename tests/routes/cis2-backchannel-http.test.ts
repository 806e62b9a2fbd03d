// NHS CIS2's back-channel logout over real HTTP: the provider's own server, ending its session,
// posts to the app (no Origin, no session) through the cross-site guard, and the app's session
// made with CIS2 ends; a logout token is acted on once however many copies arrive together.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CookieJar, startCis2Provider, type Cis2Provider } from "../helpers/cis2-provider";
import { scratchDatabase, startServer, type RunningServer, type ScratchDatabase } from "../helpers/server";

let provider: Cis2Provider;
let database: ScratchDatabase;
let server: RunningServer & { dispose(): Promise<void> };

beforeAll(async () => {
  provider = await startCis2Provider();
  database = await scratchDatabase();
  // The demo DME's account is linked to a CIS2 subject before the server starts (PGlite allows one process).
  await database.sql(
    `insert into user_identities (user_id, issuer, subject) select id, '${provider.issuer}', 'cis2-demo-dme' from users where email = 'dme@demo.test'`,
  );
  server = await startServer(provider.env, { database });
  provider.setAppOrigin(server.url);
}, 120_000);
afterAll(async () => {
  await server?.dispose();
  await database?.dispose();
  await provider?.stop();
});

async function appGet(path: string, jar: CookieJar) {
  const res = await fetch(`${server.url}${path}`, { redirect: "manual", headers: { cookie: jar.header() } });
  jar.store(res);
  return res;
}

describe("back-channel logout over HTTP", () => {
  it("ends the app's session when the DME signs out at NHS CIS2: the provider posts, and the next request is signed out", async () => {
    const app = new CookieJar();
    const atProvider = new CookieJar();
    const start = await fetch(`${server.url}/sign-in/cis2`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: server.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ purpose: "sign_in" }),
    });
    app.store(start);
    expect(start.status).toBe(302);
    provider.setNextLogin({ sub: "cis2-demo-dme", acr: "AAL3_ANY" });
    const back = await provider.authorize(start.headers.get("location")!, atProvider);
    const signedIn = await appGet(back.pathname + back.search, app);
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("location")).toBe("/dme");
    expect((await appGet("/dme", app)).status).toBe(200);

    // The DME signs out at the provider, which confirms and then tells every client of the session.
    const confirmed = await provider.endSession(atProvider);
    expect(confirmed.status).toBeLessThan(400);
    expect(provider.backchannelDeliveries()).toContainEqual({ sub: "cis2-demo-dme", sid: expect.any(String), ok: true });

    const after = await appGet("/dme", app);
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toMatch(/^\/sign-in\?redirectTo=/);
  });

  it("acts on one of 10 copies of a logout token posted at once: one 200, nine 400", async () => {
    const token = await provider.signLogoutToken({ sub: "cis2-demo-dme", sid: "a-provider-session" });
    const answers = await Promise.all(Array.from({ length: 10 }, () => provider.postLogoutToken(token)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
    for (const a of answers) expect(a.headers?.get("cache-control")).toBe("no-store");
  });

  it("refuses a forged token with 400, and logs neither token", async () => {
    const forged = await provider.signLogoutToken({ sub: "cis2-demo-dme", sid: "s" }, { signedBy: "stranger" });
    expect((await provider.postLogoutToken(forged)).status).toBe(400);
    const real = await provider.signLogoutToken({ sub: "cis2-demo-dme", sid: "t" });
    expect((await provider.postLogoutToken(real)).status).toBe(200);
    expect(server.output()).not.toContain(forged.split(".")[1]!);
    expect(server.output()).not.toContain(real.split(".")[1]!);
  });

  it("still refuses any other POST that comes from no page of the app", async () => {
    const res = await fetch(`${server.url}/sign-out`, { method: "POST", redirect: "manual" });
    expect(res.status).toBe(403);
  });
});
