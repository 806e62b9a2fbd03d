// In production the session cookie is __Host- prefixed and Secure. Own file: lucia is built
// once per database handle, so the mode must be set before this file's first session.
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createUserSession, resolveSession } from "~/auth.server";

import { useTestDatabase } from "../helpers/db";
import { makeTrainee } from "../helpers/factories";

const t = useTestDatabase();
const previous = process.env.NODE_ENV;
beforeAll(() => {
  process.env.NODE_ENV = "production";
});
afterAll(() => {
  process.env.NODE_ENV = previous;
});

describe("session cookie in production", () => {
  it("is __Host- prefixed, Secure, HttpOnly, SameSite=Lax and path /", async () => {
    const user = await makeTrainee(t.db);
    const cookie = await createUserSession(t.db, user.id);
    expect(cookie).toMatch(/^__Host-invitational_session=/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Domain=/i);
    expect((await resolveSession(t.db, cookie.split(";")[0]!)).user?.id).toBe(user.id);
  });
});
