// When each reminder is due, at named instants: London calendar days (also across the clock
// changes in March and October), working days without weekends and England and Wales bank holidays.
import { describe, expect, it } from "vitest";

import {
  deadlinePassedDue,
  isBankHoliday,
  isWorkingDay,
  londonDay,
  reflectionDue,
  reminderWindow,
  roundClosingDue,
  sessionStillAhead,
  sessionTomorrowDue,
  shortlistDeadlineDue,
  waitedSinceOnOrBefore,
  waitingDue,
  workingDaysAfter,
} from "~/models/reminder-timing";
import { addDaysIso } from "~/utils/dates";

const at = (iso: string) => new Date(iso);

describe("London days", () => {
  it("a session on the Monday after the October change is tomorrow all Sunday in London, from 00:00 BST to 23:59 GMT", () => {
    // 25 October 2026: the clocks go back at 02:00 BST. Sunday begins at 23:00 UTC on Saturday.
    expect(sessionTomorrowDue("2026-10-26", at("2026-10-24T22:59:00Z"))).toBe(false);
    expect(sessionTomorrowDue("2026-10-26", at("2026-10-24T23:00:00Z"))).toBe(true);
    expect(sessionTomorrowDue("2026-10-26", at("2026-10-25T23:59:00Z"))).toBe(true);
    expect(sessionTomorrowDue("2026-10-26", at("2026-10-26T00:00:00Z"))).toBe(false);
  });

  it("a session on the Monday after the March change stops being tomorrow at midnight BST, an hour before midnight UTC", () => {
    // 28 March 2027: the clocks go forward at 01:00 GMT.
    expect(sessionTomorrowDue("2027-03-29", at("2027-03-27T23:59:00Z"))).toBe(false);
    expect(sessionTomorrowDue("2027-03-29", at("2027-03-28T00:00:00Z"))).toBe(true);
    expect(sessionTomorrowDue("2027-03-29", at("2027-03-28T22:59:00Z"))).toBe(true);
    expect(sessionTomorrowDue("2027-03-29", at("2027-03-28T23:00:00Z"))).toBe(false);
  });

  it("a session's e-mail sent just after midnight still goes (the session is today), never once the day has passed", () => {
    expect(sessionStillAhead("2026-10-26", at("2026-10-26T00:05:00Z"))).toBe(true);
    expect(sessionStillAhead("2026-10-26", at("2026-10-27T00:05:00Z"))).toBe(false);
  });

  it("a shortlisted deadline is due from 3 London days before it until it passes", () => {
    expect(shortlistDeadlineDue("2026-10-28", at("2026-10-24T22:59:00Z"))).toBe(false); // 23:59 BST on the 24th
    expect(shortlistDeadlineDue("2026-10-28", at("2026-10-24T23:00:00Z"))).toBe(true);
    expect(shortlistDeadlineDue("2026-10-28", at("2026-10-28T23:59:00Z"))).toBe(true); // its last day, GMT
    expect(shortlistDeadlineDue("2026-10-28", at("2026-10-29T00:00:00Z"))).toBe(false);
  });

  it("a deadline has passed from the London day after it, and the window's days are London's", () => {
    expect(deadlinePassedDue("2027-03-28", at("2027-03-28T22:59:00Z"))).toBe(false);
    expect(deadlinePassedDue("2027-03-28", at("2027-03-28T23:00:00Z"))).toBe(true);
    expect(reminderWindow(at("2027-03-28T23:30:00Z"))).toMatchObject({ today: "2027-03-29", tomorrow: "2027-03-30", shortlistDeadlineUpTo: "2027-04-01" });
    expect(londonDay(at("2026-07-01T23:30:00Z"))).toBe("2026-07-02");
    expect(londonDay(at("2026-12-01T23:30:00Z"))).toBe("2026-12-01");
  });

  it("a round is closing within 48 hours, whatever the clocks do in between", () => {
    const closes = at("2026-10-26T12:00:00Z");
    expect(roundClosingDue(closes, at("2026-10-24T11:59:00Z"))).toBe(false);
    expect(roundClosingDue(closes, at("2026-10-24T12:00:00Z"))).toBe(true);
    expect(roundClosingDue(closes, at("2026-10-26T11:59:00Z"))).toBe(true);
    expect(roundClosingDue(closes, closes)).toBe(false);
  });

  it("a reflection is due from the 7th to the 30th London day after sign-off", () => {
    const signedOff = at("2026-10-18T23:30:00Z"); // 00:30 BST on 19 October
    expect(reflectionDue(signedOff, at("2026-10-25T23:30:00Z"))).toBe(false); // still the 25th in London (GMT)
    expect(reflectionDue(signedOff, at("2026-10-26T00:00:00Z"))).toBe(true);
    expect(reflectionDue(signedOff, at("2026-11-18T12:00:00Z"))).toBe(true);
    expect(reflectionDue(signedOff, at("2026-11-19T12:00:00Z"))).toBe(false);
  });
});

describe("working days", () => {
  it("knows England and Wales bank holidays, substitute days included, and not observances", () => {
    expect(["2026-12-25", "2026-12-26", "2026-12-28", "2027-03-26", "2027-03-29", "2027-05-03", "2027-08-30", "2027-12-27", "2027-12-28"].filter(isBankHoliday)).toHaveLength(9);
    expect(isBankHoliday("2027-03-07")).toBe(false); // Mother's Day
    expect(isBankHoliday("2027-03-17")).toBe(false); // St Patrick's Day: Northern Ireland only
    expect(isWorkingDay("2026-12-28")).toBe(false);
    expect(isWorkingDay("2026-12-29")).toBe(true);
    expect(isWorkingDay("2027-01-02")).toBe(false); // a Saturday
  });

  it("an application waiting over Christmas is due on the 5th working day after its last change", () => {
    const submitted = at("2026-12-21T10:00:00Z"); // Monday; 25 and 28 December are bank holidays
    expect(workingDaysAfter("2026-12-21", "2026-12-28")).toBe(3);
    expect(waitingDue(submitted, at("2026-12-28T12:00:00Z"))).toBe(false);
    expect(waitingDue(submitted, at("2026-12-30T09:00:00Z"))).toBe(true);
    expect(waitingDue(submitted, at("2026-12-29T23:59:00Z"))).toBe(false);
  });

  it("an offer made before Easter waits over Good Friday and Easter Monday, with the March clock change between", () => {
    const offered = at("2027-03-23T16:00:00Z"); // Tuesday
    expect(waitingDue(offered, at("2027-03-31T22:59:00Z"))).toBe(false); // 23:59 BST on the 31st: 4 working days
    expect(waitingDue(offered, at("2027-03-31T23:00:00Z"))).toBe(true); // 1 April in London
  });

  it("counts a change late on a Sunday evening in October by its London day", () => {
    // 23:30 UTC on Saturday 24 October is 00:30 BST on Sunday: the week's five days start on Monday.
    const changed = at("2026-10-24T23:30:00Z");
    expect(waitingDue(changed, at("2026-10-30T12:00:00Z"))).toBe(true);
    expect(waitingDue(at("2026-10-23T12:00:00Z"), at("2026-10-29T12:00:00Z"))).toBe(false);
  });

  it("the job's cut-off date agrees with counting working days, every day for two years", () => {
    for (let today = "2026-01-01"; today <= "2027-12-31"; today = addDaysIso(today, 1)) {
      const cutoff = waitedSinceOnOrBefore(today, 5);
      expect(workingDaysAfter(cutoff, today)).toBeGreaterThanOrEqual(5);
      expect(workingDaysAfter(addDaysIso(cutoff, 1), today)).toBeLessThan(5);
    }
  });
});
