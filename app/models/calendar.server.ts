// A private iCalendar feed (RFC 5545) per user: the dated sessions of their approved placements.
// The secret in the feed's address is the only credential (calendar apps send no cookie), so it
// is long and random, looked up through its unique index only, rotatable, and never logged.
import { randomBytes } from "node:crypto";

import { TZDate } from "@date-fns/tz";
import { and, asc, eq, gte, inArray, isNull, sql } from "drizzle-orm";
import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";

import type { Db } from "@db/client";
import { applications, opportunities, opportunitySessions, sites, trusts, users } from "@db/schema";

import { LONDON } from "~/utils/dates";

import type { ApplicationStatus } from "./domain";

/** Applications whose sessions the trainee goes to: approved, and completed ones kept as a record. */
export const CALENDAR_STATUSES = ["approved", "completed"] as const satisfies readonly ApplicationStatus[];

/** 32 random bytes in base64url: 43 characters of A–Z, a–z, 0–9, "-" and "_". */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function newCalendarToken(): string {
  return randomBytes(32).toString("base64url");
}

export function isWellFormedCalendarToken(token: string): boolean {
  return TOKEN_PATTERN.test(token);
}

/** The user's feed secret, created on first use. Null when there is no such user. */
export async function getOrCreateCalendarToken(db: Db, userId: string): Promise<string | null> {
  // One statement, so two first visits at once agree on a single token.
  const [row] = await db
    .update(users)
    .set({ calendarToken: sql`coalesce(${users.calendarToken}, ${newCalendarToken()})` })
    .where(eq(users.id, userId))
    .returning({ token: users.calendarToken });
  return row?.token ?? null;
}

/** Replaces the secret: the old address stops working at once. Null when there is no such user. */
export async function rotateCalendarToken(db: Db, userId: string): Promise<string | null> {
  const [row] = await db
    .update(users)
    .set({ calendarToken: newCalendarToken(), updatedAt: new Date() })
    .where(eq(users.id, userId))
    .returning({ token: users.calendarToken });
  return row?.token ?? null;
}

/** The owner of a feed secret: an exact match on the unique index, and only for an enabled account. */
export async function findUserByCalendarToken(db: Db, token: string) {
  if (!isWellFormedCalendarToken(token)) return null;
  const [user] = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.calendarToken, token), isNull(users.disabledAt)));
  return user ?? null;
}

/** Every dated session of the trainee's approved (or completed) placements, earliest first. */
export async function listCalendarSessions(db: Db, traineeId: string, options: { from?: string } = {}) {
  return db
    .select({
      id: opportunitySessions.id,
      date: opportunitySessions.date,
      startsAt: opportunitySessions.startsAt,
      endsAt: opportunitySessions.endsAt,
      location: opportunitySessions.location,
      opportunityId: opportunities.id,
      title: opportunities.title,
      summary: opportunities.summary,
      sponsorName: opportunities.sponsorName,
      sponsorRole: opportunities.sponsorRole,
      siteName: sites.name,
      trustName: trusts.name,
    })
    .from(applications)
    .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .innerJoin(opportunitySessions, eq(opportunitySessions.opportunityId, opportunities.id))
    .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
    .leftJoin(sites, eq(sites.id, opportunities.siteId))
    .where(
      and(
        eq(applications.traineeId, traineeId),
        inArray(applications.status, [...CALENDAR_STATUSES]),
        options.from ? gte(opportunitySessions.date, options.from) : undefined,
      ),
    )
    .orderBy(asc(opportunitySessions.date), asc(opportunitySessions.startsAt), asc(opportunitySessions.id));
}

export type CalendarSession = Awaited<ReturnType<typeof listCalendarSessions>>[number];

/** Sessions in the feed on or after today (a London date, YYYY-MM-DD). */
export async function countUpcomingSessions(db: Db, traineeId: string, today: string): Promise<number> {
  return (await listCalendarSessions(db, traineeId, { from: today })).length;
}

/** A wall-clock time in London on a date, as an instant that knows its zone (BST or GMT). */
export function londonDateTime(date: string, time: string): TZDate {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})(?::(\d{2}))?/.exec(time);
  if (!d || !t) throw new Error("calendar: malformed session date or time");
  return new TZDate(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]), Number(t[3] ?? 0), LONDON);
}

// Europe/London's rules since 1996 (EU summer time), as tzurl.org publishes them. Events carry
// TZID=Europe/London, and RFC 5545 wants a VTIMEZONE for every TZID used in the file.
const LONDON_VTIMEZONE = [
  "BEGIN:VTIMEZONE",
  "TZID:Europe/London",
  "X-LIC-LOCATION:Europe/London",
  "BEGIN:DAYLIGHT",
  "TZOFFSETFROM:+0000",
  "TZOFFSETTO:+0100",
  "TZNAME:BST",
  "DTSTART:19700329T010000",
  "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
  "END:DAYLIGHT",
  "BEGIN:STANDARD",
  "TZOFFSETFROM:+0100",
  "TZOFFSETTO:+0000",
  "TZNAME:GMT",
  "DTSTART:19701025T020000",
  "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
  "END:STANDARD",
  "END:VTIMEZONE",
].join("\r\n");

export function calendarName(userName: string): string {
  return `Invitational – ${userName}`;
}

function locationOf(s: CalendarSession): string {
  return [s.location, s.siteName, s.trustName].filter((part) => part && part.trim()).join(", ");
}

function descriptionOf(s: CalendarSession): string {
  return `${s.summary}\n\nSponsor: ${s.sponsorName}, ${s.sponsorRole}`;
}

/**
 * The feed as iCalendar text. Times are zoned, not UTC: each event is TZID=Europe/London with
 * the zone's VTIMEZONE, so a 09:00 session stays at 09:00 in BST and GMT alike. The zone is set
 * per event rather than on the calendar, which would make ical-generator write DTSTAMP in local
 * time; DTSTAMP must be UTC.
 */
export function buildCalendar(
  user: { name: string },
  sessions: CalendarSession[],
  options: { origin?: string; now?: Date } = {},
): string {
  const now = options.now ?? new Date();
  const calendar = ical({
    prodId: "//Invitational//Calendar feed//EN",
    name: calendarName(user.name),
    description: "Sessions of your approved placements on Invitational",
    method: ICalCalendarMethod.PUBLISH,
    // No calendar-wide zone name (see above) and no X- or TTL properties: ical-generator writes
    // those after the VTIMEZONE or the events, where RFC 5545 allows no calendar property.
    timezone: { name: null, generator: (tz) => (tz === LONDON ? LONDON_VTIMEZONE : null) },
  });
  for (const s of sessions) {
    calendar.createEvent({
      id: `${s.id}@invitational`,
      stamp: now,
      timezone: LONDON,
      start: londonDateTime(s.date, s.startsAt),
      end: londonDateTime(s.date, s.endsAt),
      summary: s.title,
      location: locationOf(s),
      description: descriptionOf(s),
      status: ICalEventStatus.CONFIRMED,
      url: options.origin ? `${options.origin}/opportunities/${s.opportunityId}` : null,
    });
  }
  return calendar.toString();
}

/** The feed for a secret, or null when the secret matches no enabled account. */
export async function calendarFeedForToken(db: Db, token: string, options: { origin?: string; now?: Date } = {}) {
  const user = await findUserByCalendarToken(db, token);
  if (!user) return null;
  return buildCalendar(user, await listCalendarSessions(db, user.id), options);
}
