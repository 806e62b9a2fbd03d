import { describe, expect, it } from "vitest";

import * as v from "valibot";

import { PlacementSchema } from "~/models/profile.schema";
import { addDaysIso, addMonthsIso, formatClockTime, formatDate, formatDateTime, isCalendarDate, todayInLondon } from "~/utils/dates";
import { calendarDate } from "~/utils/forms";

describe("formatDate", () => {
  it("writes a calendar date the NHS.UK way", () => {
    expect(formatDate("2027-02-03")).toBe("3 February 2027");
    expect(formatDate("2026-12-31")).toBe("31 December 2026");
    expect(formatDate("2028-02-29")).toBe("29 February 2028");
  });

  it("writes every calendar date from 1990 to 2099 as en-GB does, whatever the server's time zone", () => {
    const intl = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
    const differ: string[] = [];
    for (let t = Date.UTC(1990, 0, 1); t < Date.UTC(2100, 0, 1); t += 86_400_000) {
      const iso = new Date(t).toISOString().slice(0, 10);
      if (formatDate(iso) !== intl.format(new Date(t))) differ.push(iso);
    }
    expect(differ).toEqual([]);
  });

  it("answers a date asked again as it did the first time, kept or after its list started again", () => {
    const days = Array.from({ length: 6000 }, (_, i) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10));
    const first = days.map((d) => formatDate(d));
    expect(days.map((d) => formatDate(d))).toEqual(first);
    expect(days.slice(-10).map((d) => formatDate(d))).toEqual(first.slice(-10));
    expect(formatDate("not a date")).toBe("not a date");
    expect(formatDate("not a date")).toBe("not a date");
    expect(formatDate("2027-03-09T10:00:00Z")).toBe("9 March 2027");
  });

  it("writes a calendar date the same whatever the server's time zone", () => {
    // A date is not an instant: midnight UTC on 1 June is still 1 June, not 31 May or 2 June.
    expect(formatDate("2027-06-01")).toBe("1 June 2027");
    expect(formatDate("2027-01-01")).toBe("1 January 2027");
  });

  it("writes an instant as its day in London, across the clock changes", () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    expect(formatDate(new Date("2027-06-30T23:30:00Z"))).toBe("1 July 2027");
    // 23:30 UTC on 30 December is still 30 December in London (GMT).
    expect(formatDate(new Date("2026-12-30T23:30:00Z"))).toBe("30 December 2026");
  });

  it("writes nothing for a missing date", () => {
    expect(formatDate(null)).toBe("");
    expect(formatDate(undefined)).toBe("");
    expect(formatDate("")).toBe("");
  });

  it("reads a full timestamp string by its date part", () => {
    expect(formatDate("2027-03-09T10:00:00")).toBe("9 March 2027");
  });
});

describe("todayInLondon, kept for the rest of a minute", () => {
  it("turns at London's midnight to the millisecond, in summer and in winter, whatever was asked just before", () => {
    expect(todayInLondon(new Date("2027-06-30T22:59:59.999Z"))).toBe("2027-06-30");
    expect(todayInLondon(new Date("2027-06-30T23:00:00.000Z"))).toBe("2027-07-01");
    expect(todayInLondon(new Date("2027-06-30T22:59:30.000Z"))).toBe("2027-06-30");
    expect(todayInLondon(new Date("2026-12-30T23:59:59.999Z"))).toBe("2026-12-30");
    expect(todayInLondon(new Date("2026-12-31T00:00:00.000Z"))).toBe("2026-12-31");
    // The clocks change at 1am UTC, never at midnight: the day still turns on the minute.
    expect(todayInLondon(new Date("2027-03-28T00:59:59.999Z"))).toBe("2027-03-28");
    expect(todayInLondon(new Date("2027-10-30T23:00:00.000Z"))).toBe("2027-10-31");
  });
});

describe("formatDateTime and todayInLondon", () => {
  it("writes London's wall-clock time", () => {
    expect(formatDateTime(new Date("2027-07-01T13:05:00Z"))).toBe("1 July 2027 at 2:05pm");
    expect(formatDateTime(new Date("2027-01-01T13:05:00Z"))).toBe("1 January 2027 at 1:05pm");
  });

  it("knows London's date when UTC is still on the day before", () => {
    expect(todayInLondon(new Date("2027-06-30T23:30:00Z"))).toBe("2027-07-01");
    expect(todayInLondon(new Date("2026-12-30T23:30:00Z"))).toBe("2026-12-30");
  });
});

describe("formatClockTime", () => {
  it("writes a session's time as people say it", () => {
    expect(formatClockTime("09:30")).toBe("9:30am");
    expect(formatClockTime("14:00:00")).toBe("2pm");
    expect(formatClockTime("17:05")).toBe("5:05pm");
    expect(formatClockTime("12:00")).toBe("midday");
    expect(formatClockTime("12:30")).toBe("12:30pm");
    expect(formatClockTime("00:00")).toBe("midnight");
    expect(formatClockTime("00:15")).toBe("12:15am");
  });
});

describe("calendar dates from people", () => {
  it.each(["2026-02-28", "2028-02-29", "2000-02-29", "2026-12-31", "2026-04-30", "0001-01-01", "9999-12-31"])("%s is a real date", (date) => {
    expect(isCalendarDate(date)).toBe(true);
  });

  it.each(["2026-02-30", "2026-13-01", "2026-02-29", "1900-02-29", "2026-04-31", "2026-00-10", "2026-01-00", "0000-01-01", "2026-1-01", "26-01-01", "2026-01-01T00:00", " 2026-01-01", ""])(
    "impossible dates answer 500: %j is not a real date",
    (date) => {
      expect(isCalendarDate(date)).toBe(false);
    },
  );

  it("is the one schema behind every date field, with the field's own words", () => {
    const schema = calendarDate("start date");
    expect(v.safeParse(schema, " 2027-03-15 ").output).toBe("2027-03-15");
    expect(v.safeParse(schema, "").issues?.[0]?.message).toBe("Enter the start date");
    expect(v.safeParse(schema, "2027-02-30").issues?.[0]?.message).toBe("The start date must be a real date, like 2027-03-15");
    const placement = v.safeParse(PlacementSchema, {
      trustId: "3f1e8a8e-9d1b-4c55-8f3e-2b8a4f0e6c11", siteId: "", specialty: "", grade: "FY1",
      startsOn: "2026-02-29", endsOn: "2026-08-01", wte: "1", placementType: "In Post",
    });
    expect(placement.issues?.map((i) => i.message)).toContain("The start date must be a real date, like 2027-08-04");
  });
});

describe("date arithmetic without a date library", () => {
  it("adds days across months, years and leap days", () => {
    expect(addDaysIso("2027-02-27", 2)).toBe("2027-03-01");
    expect(addDaysIso("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDaysIso("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDaysIso("2027-03-01", -1)).toBe("2027-02-28");
  });

  it("adds months, keeping to the month's last day as date-fns did", () => {
    expect(addMonthsIso("2027-03-15", 3)).toBe("2027-06-15");
    expect(addMonthsIso("2027-11-30", 3)).toBe("2028-02-29");
    expect(addMonthsIso("2027-01-31", 1)).toBe("2027-02-28");
    expect(addMonthsIso("2027-10-31", 3)).toBe("2028-01-31");
  });

  it("writes midnight and midday in London the NHS.UK way", () => {
    expect(formatDateTime(new Date("2027-01-01T00:05:00Z"))).toBe("1 January 2027 at 12:05am");
    expect(formatDateTime(new Date("2027-01-01T12:00:00Z"))).toBe("1 January 2027 at 12:00pm");
    expect(formatDateTime("not a time")).toBe("");
  });
});
