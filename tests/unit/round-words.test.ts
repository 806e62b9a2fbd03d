import { describe, expect, it } from "vitest";

import { firstChoiceFigures, ordinal, roundPath, wordRoundEvent, type RoundEventFacts } from "~/models/messages";
import { canCancelRound, canEditRound, acceptsChoices, holdsApplications, roundBanner, roundPhase } from "~/models/round-rules";
import { formatMoment, instantInLondon, londonDateAndTime, trainingYearOf } from "~/utils/dates";

const facts = (over: Partial<RoundEventFacts>): RoundEventFacts => ({
  event: "allocated",
  roundName: "Spring round",
  params: {},
  opportunityTitle: null,
  declineReason: null,
  ...over,
});

describe("ordinal", () => {
  it("writes 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 22nd, 101st", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal)).toEqual(["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"]);
  });
});

describe("wordRoundEvent", () => {
  const figures = { firstChoiceSeats: "2", firstChoiceChosenBy: "9", firstChoiceFirstTimers: "7" };

  it("tells a trainee placed on a lower choice why, with the first choice's figures", () => {
    const w = wordRoundEvent(facts({ params: { outcome: "placed", rank: "2", ...figures }, opportunityTitle: "Shadow the board" }), "trainee");
    expect(w?.body).toBe(
      "You were placed on your 2nd choice, Shadow the board. Your 1st choice had 2 seats; 9 trainees chose it, 7 of them with no opportunity yet this year. The director of medical education will confirm the placement.",
    );
  });

  it("does not explain a first choice with its own figures", () => {
    const w = wordRoundEvent(facts({ params: { outcome: "placed", rank: "1", ...figures }, opportunityTitle: "Shadow the board" }), "trainee");
    expect(w?.body).not.toContain("Your 1st choice had");
  });

  it("tells an unplaced trainee they are on the waiting list, with the figures, in the singular where there is one", () => {
    const w = wordRoundEvent(facts({ params: { outcome: "unplaced", firstChoiceSeats: "1", firstChoiceChosenBy: "1", firstChoiceFirstTimers: "0" } }), "trainee");
    expect(w?.title).toBe("Not placed in Spring round");
    expect(w?.body).toContain("Your 1st choice had 1 seat; 1 trainee chose it, 0 of them with no opportunity yet this year.");
    expect(w?.body).toContain("waiting list");
  });

  it("gives staff the counts for their trust, and the DME what waits for approval", () => {
    const lead = wordRoundEvent(facts({ params: { placed: "3", waitlisted: "1" } }), "trust_lead");
    expect(lead?.body).toBe("The round Spring round has closed: 3 trainees were placed on your trust's opportunities, and 1 trainee is on their waiting lists.");
    expect(wordRoundEvent(facts({ params: { placed: "3", waitlisted: "0" } }), "dme")?.body).toContain("waiting for your approval");
  });

  it("words a declined choice for the trainee only, with the trust's reason", () => {
    const f = facts({ event: "choice_declined", opportunityTitle: "QI project", declineReason: "Needs a surgical trainee" });
    expect(wordRoundEvent(f, "trainee")?.body).toBe(
      "The trust declined your choice of QI project in the round Spring round, so it will not be part of the allocation. Reason: Needs a surgical trainee",
    );
    expect(wordRoundEvent(f, "dme")).toBeNull();
  });

  it("leaves out figures that are not whole numbers rather than printing NaN", () => {
    expect(firstChoiceFigures({ firstChoiceSeats: "x" })).toBeNull();
    expect(wordRoundEvent(facts({ params: { outcome: "unplaced" } }), "trainee")?.body).not.toContain("NaN");
  });

  it("links a trainee to their choices and staff to the round's page", () => {
    expect(roundPath("r1", "trainee")).toBe("/trainee/rounds/r1");
    expect(roundPath("r1", "dme")).toBe("/rounds/r1");
  });
});

describe("round phases", () => {
  const round = { status: "open" as const, opensAt: new Date("2027-03-01T09:00:00Z"), closesAt: new Date("2027-03-14T17:00:00Z"), name: "Spring round" };

  it("is upcoming, then open, then closing at the closing time, until the allocation", () => {
    expect(roundPhase(round, new Date("2027-02-28T00:00:00Z"))).toBe("upcoming");
    expect(roundPhase(round, new Date("2027-03-01T09:00:00Z"))).toBe("open");
    expect(roundPhase(round, new Date("2027-03-14T16:59:59Z"))).toBe("open");
    expect(roundPhase(round, new Date("2027-03-14T17:00:00Z"))).toBe("closing");
    expect(roundPhase({ ...round, status: "allocated" }, new Date("2027-03-01T10:00:00Z"))).toBe("allocated");
  });

  it("edits until it opens, cancels until it closes, takes choices only while open, holds applications until finished", () => {
    expect(["upcoming", "open", "closing", "allocated", "cancelled"].map((p) => [canEditRound(p as never), canCancelRound(p as never), acceptsChoices(p as never), holdsApplications(p as never)])).toEqual([
      [true, true, false, true],
      [false, true, true, true],
      [false, false, false, true],
      [false, false, false, false],
      [false, false, false, false],
    ]);
  });

  it("says on the opportunity where its places are allocated, with the closing time in London", () => {
    expect(roundBanner(round, new Date("2027-03-02T00:00:00Z"))).toBe("Places are allocated in the round Spring round, closing 14 March 2027 at 5pm");
  });
});

describe("London times for rounds", () => {
  it("reads a wall-clock time in London in winter and in summer", () => {
    expect(instantInLondon("2027-03-14", "17:00")?.toISOString()).toBe("2027-03-14T17:00:00.000Z");
    expect(instantInLondon("2027-07-01", "09:30")?.toISOString()).toBe("2027-07-01T08:30:00.000Z");
    expect(londonDateAndTime(new Date("2027-07-01T08:30:00.000Z"))).toEqual(["2027-07-01", "09:30"]);
  });

  it("refuses a day or a time that does not exist", () => {
    expect(instantInLondon("2027-02-30", "10:00")).toBeNull();
    expect(instantInLondon("2027-01-01", "24:00")).toBeNull();
    expect(instantInLondon("2027-01-01", "9.30")).toBeNull();
  });

  it("writes an instant the NHS.UK way", () => {
    expect(formatMoment(new Date("2027-03-14T17:00:00Z"))).toBe("14 March 2027 at 5pm");
    expect(formatMoment(new Date("2027-06-01T11:00:00Z"))).toBe("1 June 2027 at midday");
  });

  it("puts 31 July in the training year that started the August before, and 1 August in the next", () => {
    expect(trainingYearOf("2027-07-31")).toEqual(["2026-08-01", "2027-07-31"]);
    expect(trainingYearOf("2027-08-01")).toEqual(["2027-08-01", "2028-07-31"]);
  });
});
