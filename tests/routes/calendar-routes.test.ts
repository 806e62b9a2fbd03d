import { eq } from "drizzle-orm";
import ical from "node-ical";
import { afterEach, describe, expect, it, vi } from "vitest";

import { applications, users } from "@db/schema";
import { getOrCreateCalendarToken } from "~/models/calendar.server";
import * as feed from "~/routes/calendar.$file";
import * as page from "~/routes/trainee.calendar";

import { callRoute, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();

afterEach(() => {
  vi.unstubAllEnvs();
});

const slots = (values: string[]) => [...values, ...Array<string>(6 - values.length).fill("")];

/** A trainee with an approved placement that has two sessions far in the future. */
async function traineeWithPlacement() {
  const trust = await makeTrust(t.db);
  const trainee = await makeTrainee(t.db);
  const opportunityId = await makeOpportunity(t.db, trust.id, {
    startsOn: "2090-03-01",
    endsOn: "2090-03-31",
    applicationDeadline: "2090-02-15",
    sessionDate: slots(["2090-03-03", "2090-03-10"]),
    sessionStart: slots(["09:00", "09:00"]),
    sessionEnd: slots(["17:00", "12:00"]),
    sessionLocation: slots(["Executive offices", "Boardroom"]),
  });
  await t.db.insert(applications).values({ opportunityId, traineeId: trainee.id, statement: "Please.", status: "approved" });
  return { trust, trainee, cookie: await sessionCookieFor(t.db, trainee.id) };
}

function getFeed(file: string) {
  return callRoute(t.db, feed.loader, getRequest(`/calendar/${file}`), { file });
}

describe("the feed at /calendar/<secret>.ics", () => {
  it("answers without a session, as text/calendar that is not cached", async () => {
    const { trainee } = await traineeWithPlacement();
    const token = (await getOrCreateCalendarToken(t.db, trainee.id))!;
    const res = await getFeed(`${token}.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Content-Disposition")).toBe('inline; filename="invitational.ics"');
    const parsed = ical.sync.parseICS(await res.text());
    expect(Object.values(parsed).filter((c) => c?.type === "VEVENT")).toHaveLength(2);
  });

  it("answers a plain 404 to an unknown secret, a secret without .ics, or a rotated one", async () => {
    const { trainee } = await traineeWithPlacement();
    const token = (await getOrCreateCalendarToken(t.db, trainee.id))!;
    for (const file of [`${"A".repeat(43)}.ics`, token, `${token}.ical`, `${token}.ics.txt`, ".ics", "x.ics"]) {
      const res = await getFeed(file);
      expect(res.status, file).toBe(404);
      expect(res.headers.get("Content-Type")).toBe("text/plain; charset=utf-8");
      expect(await res.text()).toBe("Not found");
    }
  });

  it("stops answering the old address once the trainee creates a new link", async () => {
    const { trainee, cookie } = await traineeWithPlacement();
    const old = (await getOrCreateCalendarToken(t.db, trainee.id))!;
    const res = await callRoute(t.db, page.action, formRequest("/trainee/calendar", { intent: "rotate" }, cookie));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/trainee/calendar?rotated=1");
    const [row] = await t.db.select({ token: users.calendarToken }).from(users).where(eq(users.id, trainee.id));
    expect(row?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(row?.token).not.toBe(old);
    expect((await getFeed(`${old}.ics`)).status).toBe(404);
    expect((await getFeed(`${row!.token}.ics`)).status).toBe(200);
  });
});

describe("the page /trainee/calendar", () => {
  it("shows the trainee's full link and how many sessions are coming up", async () => {
    const { trainee, cookie } = await traineeWithPlacement();
    const res = await callRoute(t.db, page.loader, getRequest("/trainee/calendar", cookie));
    expect(res.status).toBe(200);
    const data = (await res.json()) as { url: string; upcoming: number };
    const token = await getOrCreateCalendarToken(t.db, trainee.id);
    expect(data.url).toBe(`http://localhost:3000/calendar/${token}.ics`);
    expect(data.upcoming).toBe(2);
  });

  it("builds the link on APP_ORIGIN when it is set", async () => {
    vi.stubEnv("APP_ORIGIN", "https://invitational.example.nhs.uk");
    const { trainee, cookie } = await traineeWithPlacement();
    const data = (await (await callRoute(t.db, page.loader, getRequest("/trainee/calendar", cookie))).json()) as { url: string };
    expect(data.url).toBe(`https://invitational.example.nhs.uk/calendar/${await getOrCreateCalendarToken(t.db, trainee.id)}.ics`);
  });

  it("refuses a form without the rotate intent", async () => {
    const { trainee, cookie } = await traineeWithPlacement();
    const before = await getOrCreateCalendarToken(t.db, trainee.id);
    const res = await callRoute(t.db, page.action, formRequest("/trainee/calendar", {}, cookie));
    expect(res.status).toBe(400);
    expect(await getOrCreateCalendarToken(t.db, trainee.id)).toBe(before);
  });

  it("is for trainees only", async () => {
    const trust = await makeTrust(t.db);
    for (const role of ["trust_lead", "dme"] as const) {
      const staff = await makeUser(t.db, { role, trustId: trust.id });
      const cookie = await sessionCookieFor(t.db, staff.id);
      expect((await callRoute(t.db, page.loader, getRequest("/trainee/calendar", cookie))).status).toBe(403);
      expect((await callRoute(t.db, page.action, formRequest("/trainee/calendar", { intent: "rotate" }, cookie))).status).toBe(403);
    }
    const admin = await makeUser(t.db, { role: "admin" });
    const cookie = await sessionCookieFor(t.db, admin.id);
    expect((await callRoute(t.db, page.loader, getRequest("/trainee/calendar", cookie))).status).toBe(403);
    const [row] = await t.db.select({ n: users.calendarToken }).from(users).where(eq(users.id, admin.id));
    expect(row?.n).toBeNull();
  });

  it("sends someone who is not signed in to sign in", async () => {
    const res = await callRoute(t.db, page.loader, getRequest("/trainee/calendar"));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/sign-in?redirectTo=%2Ftrainee%2Fcalendar");
    const post = await callRoute(t.db, page.action, formRequest("/trainee/calendar", { intent: "rotate" }));
    expect(post.status).toBe(302);
  });
});
