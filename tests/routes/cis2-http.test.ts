// NHS CIS2 sign-in over HTTP against the production build (issue 14): start-up refuses a setting
// that cannot work, naming the variable; the pages and refusals as a browser gets them (NHS.UK
// error summary, 4xx); the CSP lets the button's form lead to the provider; and a whole sign-in
// leaves no code, state, subject or e-mail address in the server's log.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startCis2Provider, type Cis2Provider } from "../helpers/cis2-provider";
import { runServerToExit, scratchDatabase, startServer, type ScratchDatabase } from "../helpers/server";

const SUB = "cis2-http-dme-7781";
let provider: Cis2Provider;
let database: ScratchDatabase;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  provider = await startCis2Provider();
  database = await scratchDatabase({ seeded: true });
  await database.sql(
    `insert into user_identities (user_id, issuer, subject) select id, '${provider.issuer}', '${SUB}' from users where email = 'dme@demo.test';
     insert into invitations (email, name, role, token_hash, expires_at, created_at)
       values ('expired.lead@example.nhs.uk', 'Expired Lead', 'admin', encode(sha256('expired-invitation-token'::bytea), 'hex'), now() - interval '1 day', now() - interval '8 days');`,
  );
  server = await startServer({ ...provider.env, CIS2_MIN_ACR: "AAL2_ANY" }, { database });
  provider.setAppOrigin(server.url);
});

afterAll(async () => {
  await server?.dispose();
  await database?.dispose();
  await provider?.stop();
});

function post(path: string, fields: Record<string, string>, cookie?: string) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: server.url, ...(cookie ? { Cookie: cookie } : {}) },
  });
}

/** The NHS.UK error summary's links, each of which must name an element of the page. */
function summaryTargets(html: string): string[] {
  const summary = /<div[^>]*class="[^"]*nhsuk-error-summary[\s\S]*?<\/div>\s*<\/div>/.exec(html)?.[0] ?? "";
  const targets = [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]!);
  for (const id of targets) expect(html).toContain(`id="${id}"`);
  return targets;
}

describe("start-up", () => {
  it("a CIS2 setting that cannot work stops start-up with a message naming the variable, never its value", async () => {
    const { code, output } = await runServerToExit({
      CIS2_ISSUER: "https://cis2.example.nhs.uk",
      CIS2_CLIENT_ID: "invitational",
      CIS2_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\nnot-really-secret-material\n-----END PRIVATE KEY-----",
    });
    expect(code).not.toBe(0);
    expect(output).toContain("Invitational did not start: CIS2_PRIVATE_KEY must be a private key in PEM");
    expect(output).not.toContain("not-really-secret-material");
  });
});

describe("the pages, configured", () => {
  it("the sign-in page shows the button, and its CSP lets forms lead to the provider", async () => {
    const res = await fetch(`${server.url}/sign-in`);
    const html = await res.text();
    expect(html).toMatch(/<form[^>]*action="\/sign-in\/cis2"/);
    expect(html).toContain("Sign in with NHS CIS2");
    expect(res.headers.get("content-security-policy")).toContain(`form-action 'self' ${new URL(provider.issuer).origin}`);
  });

  it("bad input to the start form is a 400 with an NHS.UK error summary pointing at the button, never a 5xx", async () => {
    for (const purpose of ["", "link", "SIGN_IN", "<script>alert(1)</script>", "x".repeat(20_000)]) {
      const res = await post("/sign-in/cis2", { purpose, redirectTo: "//evil.example" });
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(summaryTargets(html)).toEqual(["cis2-sign-in"]);
    }
    // An invitation link that does not work answers as the invitation page does.
    expect((await post("/sign-in/cis2", { purpose: "invitation", token: "not-a-token" })).status).toBe(404);
    const expired = await post("/sign-in/cis2", { purpose: "invitation", token: "expired-invitation-token" });
    expect(expired.status).toBe(410);
    expect(summaryTargets(await expired.text())).toEqual(["cis2-sign-in"]);
  });

  it("a callback address opened without its sign-in is a plain 400 page saying what happened", async () => {
    const res = await fetch(`${server.url}/sign-in/cis2/callback?code=copied&state=from-elsewhere`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("<h1>Signing in with NHS CIS2 did not start in this browser</h1>");
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("a whole sign-in over HTTP reaches the DME home, and the server's log holds no code, state, subject or e-mail", async () => {
    // From here on: the start-up lines list the demo accounts' addresses.
    const logFrom = server.output().length;
    const begun = await post("/sign-in/cis2", { purpose: "sign_in" });
    expect(begun.status).toBe(302);
    const stateCookie = begun.headers.getSetCookie()[0]!.split(";")[0]!;
    expect(begun.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Lax/);
    provider.setNextLogin({ sub: SUB, email: "dme@demo.test", acr: "AAL3_ANY" });
    const back = await provider.authorize(begun.headers.get("location")!);
    const res = await fetch(back, { redirect: "manual", headers: { Cookie: stateCookie } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/dme");
    const session = res.headers.getSetCookie().find((c) => c.startsWith("invitational_session="))!.split(";")[0]!;
    expect((await fetch(`${server.url}/dme`, { headers: { Cookie: session }, redirect: "manual" })).status).toBe(200);

    const log = server.output().slice(logFrom);
    expect(log).toContain("/sign-in/cis2/callback");
    for (const secret of [back.searchParams.get("code")!, back.searchParams.get("state")!, SUB, "dme@demo.test"]) {
      expect(log).not.toContain(secret);
    }
  });
});
