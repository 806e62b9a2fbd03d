import { eq } from "drizzle-orm";
import ical, { type ParameterValue, type VEvent } from "node-ical";
import { describe, expect, it } from "vitest";

import {
  buildCalendar,
  calendarFeedForToken,
  countUpcomingSessions,
  findUserByCalendarToken,
  getOrCreateCalendarToken,
  listCalendarSessions,
  rotateCalendarToken,
} from "~/models/calendar.server";
import type { ApplicationStatus } from "~/models/domain";
import { applications, opportunitySessions, users } from "@db/schema";

import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makeTrainee, makeTrust } from "../helpers/factories";

const t = useTestDatabase();

/** Six session slots, as the opportunity form has. */
const slots = (values: string[]) => [...values, ...Array<string>(6 - values.length).fill("")];

async function apply(opportunityId: string, traineeId: string, status: ApplicationStatus) {
  await t.db.insert(applications).values({ opportunityId, traineeId, statement: "I would like to learn.", status });
}

/** A property's text, whether or not it came with parameters. */
function val(v: ParameterValue | undefined): string | undefined {
  return typeof v === "string" || v === undefined ? v : v.val;
}

/**
 * What node-ical forgives but RFC 5545 does not: CRLF lines of at most 75 octets, calendar
 * properties before any component, VERSION and PRODID, UID, DTSTAMP (UTC) and DTSTART in
 * each event, and a VTIMEZONE for every TZID used.
 */
function rfc5545Problems(text: string): string[] {
  const problems: string[] = [];
  if (!text.startsWith("BEGIN:VCALENDAR\r\n") || !/\r\nEND:VCALENDAR(\r\n)?$/.test(text)) problems.push("not one VCALENDAR");
  if (/[^\r]\n/.test(text)) problems.push("bare LF");
  for (const raw of text.split("\r\n")) if (Buffer.byteLength(raw) > 75) problems.push(`long line: ${raw.slice(0, 20)}`);
  const lines = text.replace(/\r\n[ \t]/g, "").split("\r\n").filter(Boolean);
  const stack: string[] = [];
  let componentSeen = false;
  let event: string[] | null = null;
  const calendarProps: string[] = [];
  const tzidsUsed = new Set<string>();
  const tzidsDefined = new Set<string>();
  for (const line of lines) {
    const name = line.split(/[;:]/, 1)[0]!;
    if (name === "BEGIN") {
      const kind = line.slice(6);
      if (stack.length === 1) componentSeen = true;
      stack.push(kind);
      if (kind === "VEVENT") event = [];
    } else if (name === "END") {
      const kind = stack.pop();
      if (kind !== line.slice(4)) problems.push(`unbalanced ${line}`);
      if (kind === "VEVENT" && event) {
        for (const required of ["UID", "DTSTAMP", "DTSTART"]) if (!event.includes(required)) problems.push(`event without ${required}`);
        event = null;
      }
    } else {
      if (stack.length === 1) {
        if (componentSeen) problems.push(`calendar property after a component: ${name}`);
        calendarProps.push(name);
      }
      if (stack.at(-1) === "VEVENT") event?.push(name);
      if (stack.at(-1) === "VTIMEZONE" && name === "TZID") tzidsDefined.add(line.slice(5));
      const tzid = /;TZID=([^;:]+)/.exec(line)?.[1];
      if (tzid) tzidsUsed.add(tzid);
      if (name === "DTSTAMP" && !/^DTSTAMP:\d{8}T\d{6}Z$/.test(line)) problems.push(`DTSTAMP not UTC: ${line}`);
    }
  }
  for (const required of ["VERSION", "PRODID"]) if (!calendarProps.includes(required)) problems.push(`no ${required}`);
  for (const tzid of tzidsUsed) if (!tzidsDefined.has(tzid)) problems.push(`no VTIMEZONE for ${tzid}`);
  return problems;
}

function events(text: string): VEvent[] {
  return Object.values(ical.sync.parseICS(text)).filter((c): c is VEvent => c?.type === "VEVENT");
}

/** A trainee with: an approved winter shadowing day, an approved BST opportunity with two sessions, a completed one. */
async function scenario() {
  const trust = await makeTrust(t.db, { name: "Royal Test Hospitals NHS Foundation Trust" });
  const trainee = await makeTrainee(t.db, { name: "Dr Ada Lovelace" });
  const winter = await makeOpportunity(t.db, trust.id, { title: "Shadow the Chief Medical Officer" });
  const summer = await makeOpportunity(t.db, trust.id, {
    title: "Join the board meeting",
    startsOn: "2027-06-01",
    endsOn: "2027-06-30",
    applicationDeadline: "2027-05-15",
    sessionDate: slots(["2027-06-10", "2027-06-24"]),
    sessionStart: slots(["09:00", "13:30"]),
    sessionEnd: slots(["12:00", "15:00"]),
    sessionLocation: slots(["Boardroom", "Committee room 2"]),
  });
  const past = await makeOpportunity(t.db, trust.id, {
    title: "Patient safety review",
    startsOn: "2026-01-05",
    endsOn: "2026-01-30",
    applicationDeadline: "2026-01-01",
    sessionDate: slots(["2026-01-12"]),
    sessionStart: slots(["10:00"]),
    sessionEnd: slots(["11:00"]),
    sessionLocation: slots(["Governance office"]),
  });
  await apply(winter, trainee.id, "approved");
  await apply(summer, trainee.id, "approved");
  await apply(past, trainee.id, "completed");
  return { trust, trainee, winter, summer, past };
}

describe("calendar feed", () => {
  it("is valid iCalendar with every session of approved and completed placements, in London time", async () => {
    const { trainee, trust } = await scenario();
    const token = (await getOrCreateCalendarToken(t.db, trainee.id))!;
    const text = (await calendarFeedForToken(t.db, token, { origin: "https://invitational.example.nhs.uk" }))!;

    const list = events(text).sort((a, b) => a.start.getTime() - b.start.getTime());
    expect(list.map((e) => val(e.summary))).toEqual([
      "Patient safety review",
      "Shadow the Chief Medical Officer",
      "Join the board meeting",
      "Join the board meeting",
    ]);
    const [pastEvent, winter, summer1, summer2] = list as [VEvent, VEvent, VEvent, VEvent];
    // GMT: London time is UTC. BST: 09:00 in London is 08:00 UTC.
    expect(pastEvent.start.toISOString()).toBe("2026-01-12T10:00:00.000Z");
    expect(winter.start.toISOString()).toBe("2027-03-03T09:00:00.000Z");
    expect(winter.end?.toISOString()).toBe("2027-03-03T17:00:00.000Z");
    expect(summer1.start.toISOString()).toBe("2027-06-10T08:00:00.000Z");
    expect(summer1.end?.toISOString()).toBe("2027-06-10T11:00:00.000Z");
    expect(summer2.start.toISOString()).toBe("2027-06-24T12:30:00.000Z");

    expect(val(winter.location)).toBe(`Executive offices, ${trust.name}`);
    expect(val(summer1.location)).toBe(`Boardroom, ${trust.name}`);
    expect(val(winter.description)).toContain("Spend three days alongside the Chief Medical Officer.");
    expect(val(winter.description)).toContain("Sponsor: Dr Miriam Osei, Chief Medical Officer");

    const sessionIds = (await t.db.select({ id: opportunitySessions.id }).from(opportunitySessions)).map((s) => `${s.id}@invitational`);
    expect(list.map((e) => e.uid).sort()).toEqual(sessionIds.sort());
    for (const e of list) expect(e.dtstamp).toBeInstanceOf(Date);

    // The zone is named on each time and described once; stamps are UTC.
    expect(text).toContain("DTSTART;TZID=Europe/London:20270610T090000");
    expect(text).toMatch(/BEGIN:VTIMEZONE\r\nTZID:Europe\/London\r\n/);
    expect(text).toMatch(/DTSTAMP:\d{8}T\d{6}Z\r\n/);
    expect(text).toMatch(/^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\nPRODID:-\/\/Invitational\/\/Calendar feed\/\/EN\r\n/);
    expect(text).toContain("X-WR-CALNAME:Invitational – Dr Ada Lovelace\r\n");
    expect(rfc5545Problems(text)).toEqual([]);
  });

  it("keeps the same UID for a session from one fetch to the next", async () => {
    const { trainee } = await scenario();
    const token = (await getOrCreateCalendarToken(t.db, trainee.id))!;
    const first = events((await calendarFeedForToken(t.db, token))!).map((e) => e.uid).sort();
    const second = events((await calendarFeedForToken(t.db, token))!).map((e) => e.uid).sort();
    expect(second).toEqual(first);
  });

  it("leaves out applications that are not approved, and other trainees' placements", async () => {
    const trust = await makeTrust(t.db);
    const trainee = await makeTrainee(t.db);
    const other = await makeTrainee(t.db);
    const statuses: ApplicationStatus[] = ["submitted", "offered", "withdrawn", "declined"];
    for (const status of statuses) {
      const id = await makeOpportunity(t.db, trust.id, { title: `Opportunity ${status}` });
      await apply(id, trainee.id, status);
    }
    const theirs = await makeOpportunity(t.db, trust.id, { title: "Someone else's" });
    await apply(theirs, other.id, "approved");
    const mine = await makeOpportunity(t.db, trust.id, { title: "Mine" });
    await apply(mine, trainee.id, "approved");

    const token = (await getOrCreateCalendarToken(t.db, trainee.id))!;
    expect(events((await calendarFeedForToken(t.db, token))!).map((e) => val(e.summary))).toEqual(["Mine"]);
    const otherToken = (await getOrCreateCalendarToken(t.db, other.id))!;
    expect(events((await calendarFeedForToken(t.db, otherToken))!).map((e) => val(e.summary))).toEqual(["Someone else's"]);
  });

  it("is a valid, empty calendar when there is nothing approved", async () => {
    const trainee = await makeTrainee(t.db, { name: "Dr Empty" });
    const token = (await getOrCreateCalendarToken(t.db, trainee.id))!;
    const text = (await calendarFeedForToken(t.db, token))!;
    expect(events(text)).toEqual([]);
    expect(text).toContain("X-WR-CALNAME:Invitational – Dr Empty");
  });

  it("escapes text so a title or place cannot add properties", () => {
    const text = buildCalendar({ name: "Dr X" }, [
      {
        id: "0b7e0f4e-8f1a-4d7e-9a52-2f1d1c0a0b01",
        date: "2027-01-15",
        startsAt: "09:00:00",
        endsAt: "10:00:00",
        location: "Room 1; floor 2",
        opportunityId: "0b7e0f4e-8f1a-4d7e-9a52-2f1d1c0a0b02",
        title: "Line one\r\nATTENDEE:mailto:evil@example.com",
        summary: "A, B; C",
        sponsorName: "Dr Y",
        sponsorRole: "Lead",
        siteName: null,
        trustName: "Trust",
      },
    ]);
    expect(text).not.toMatch(/^ATTENDEE/m);
    const [event] = events(text);
    expect(val(event?.summary)).toBe("Line one\nATTENDEE:mailto:evil@example.com");
    expect(val(event?.location)).toBe("Room 1; floor 2, Trust");
  });

  it("counts the sessions from a date onwards", async () => {
    const { trainee } = await scenario();
    expect(await countUpcomingSessions(t.db, trainee.id, "2026-11-25")).toBe(3);
    expect(await countUpcomingSessions(t.db, trainee.id, "2027-06-11")).toBe(1);
    expect(await countUpcomingSessions(t.db, trainee.id, "2028-01-01")).toBe(0);
    expect(await listCalendarSessions(t.db, trainee.id)).toHaveLength(4);
  });
});

describe("calendar token", () => {
  it("is created once, 32 random bytes in base64url, and stored", async () => {
    const trainee = await makeTrainee(t.db);
    const token = await getOrCreateCalendarToken(t.db, trainee.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token!, "base64url")).toHaveLength(32);
    expect(await getOrCreateCalendarToken(t.db, trainee.id)).toBe(token);
    const [row] = await t.db.select({ token: users.calendarToken }).from(users).where(eq(users.id, trainee.id));
    expect(row?.token).toBe(token);
    expect(await getOrCreateCalendarToken(t.db, "no-such-user")).toBeNull();
  });

  it("gives each user their own token, even when two first visits arrive at once", async () => {
    const a = await makeTrainee(t.db);
    const b = await makeTrainee(t.db);
    const [a1, a2, b1] = await Promise.all([
      getOrCreateCalendarToken(t.db, a.id),
      getOrCreateCalendarToken(t.db, a.id),
      getOrCreateCalendarToken(t.db, b.id),
    ]);
    expect(a1).toBe(a2);
    expect(b1).not.toBe(a1);
  });

  it("stops the old token working when rotated", async () => {
    const { trainee } = await scenario();
    const old = (await getOrCreateCalendarToken(t.db, trainee.id))!;
    const fresh = await rotateCalendarToken(t.db, trainee.id);
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(fresh).not.toBe(old);
    expect(await calendarFeedForToken(t.db, old)).toBeNull();
    expect(events((await calendarFeedForToken(t.db, fresh!))!)).toHaveLength(4);
    expect(await getOrCreateCalendarToken(t.db, trainee.id)).toBe(fresh);
  });

  it("finds nobody for an unknown, malformed or disabled account's token", async () => {
    const trainee = await makeTrainee(t.db);
    const token = (await getOrCreateCalendarToken(t.db, trainee.id))!;
    expect(await findUserByCalendarToken(t.db, token)).toEqual({ id: trainee.id, name: trainee.name });
    expect(await findUserByCalendarToken(t.db, "A".repeat(43))).toBeNull();
    expect(await findUserByCalendarToken(t.db, "")).toBeNull();
    expect(await findUserByCalendarToken(t.db, `${token}x`)).toBeNull();
    expect(await findUserByCalendarToken(t.db, "' or 1=1 --")).toBeNull();
    await t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, trainee.id));
    expect(await findUserByCalendarToken(t.db, token)).toBeNull();
    expect(await calendarFeedForToken(t.db, token)).toBeNull();
  });
});
