import { describe, expect, it } from "vitest";

import { actionsFor, canTransition, isOpenApplication, TRANSITIONS, WHAT_NEXT, type OpportunityNow } from "~/models/applications.rules";
import { placementWarning } from "~/models/placement-warnings";

// A published opportunity running in March 2027 with a seat free, seen during it.
const running: OpportunityNow = { today: "2027-03-10", endsOn: "2027-03-31", status: "published", seats: 2, seatsTaken: 1 };
const before = { ...running, today: "2027-02-01" };
const lastDay = { ...running, today: "2027-03-31" };
const after = { ...running, today: "2027-04-01" };
const full = { ...running, seatsTaken: 2 };

describe("the transition table", () => {
  it("gives each role only its own moves", () => {
    expect(actionsFor("trust_lead", "submitted", running)).toEqual(["offer", "decline"]);
    expect(actionsFor("trust_lead", "waitlisted", running)).toEqual(["offer", "decline"]);
    expect(actionsFor("dme", "offered", running)).toEqual(["approve", "reject"]);
    expect(actionsFor("trainee", "approved", running)).toEqual(["withdraw"]);
    expect(actionsFor("trust_lead", "approved", after)).toEqual(["complete", "not_complete"]);
    expect(actionsFor("admin", "submitted", running)).toEqual([]);
  });

  it("refuses moves out of final statuses", () => {
    for (const status of ["completed", "declined", "rejected", "withdrawn", "not_completed"] as const) {
      for (const role of ["trainee", "trust_lead", "dme", "admin"] as const) {
        for (const when of [before, running, after]) expect(actionsFor(role, status, when)).toEqual([]);
      }
    }
  });

  it("lets a trainee withdraw any time before completion, and nobody else", () => {
    expect(canTransition("withdraw", "trainee", "offered", running)).toBe(true);
    expect(canTransition("withdraw", "trainee", "completed", running)).toBe(false);
    expect(canTransition("withdraw", "trust_lead", "submitted", running)).toBe(false);
    expect(canTransition("offer", "trainee", "submitted", running)).toBe(false);
    expect(canTransition("approve", "trust_lead", "offered", running)).toBe(false);
  });

  it("needs a reason to decline, reject or record non-completion", () => {
    expect(TRANSITIONS.decline.reason).toBe("required");
    expect(TRANSITIONS.reject.reason).toBe("required");
    expect(TRANSITIONS.not_complete.reason).toBe("required");
    expect(TRANSITIONS.withdraw.reason).toBe("optional");
  });
});

describe("the transition table knows the dates", () => {
  it("offers 'Sign off as completed' only from the end date, not before the opportunity has started or while it runs", () => {
    expect(actionsFor("trust_lead", "approved", before)).toEqual([]);
    expect(actionsFor("trust_lead", "approved", running)).toEqual([]);
    expect(actionsFor("trust_lead", "approved", lastDay)).toEqual(["complete", "not_complete"]);
    expect(TRANSITIONS.complete.refusal?.(running)).toBe("You can sign off completion from 31 March 2027, when the opportunity ends");
  });

  it("lets the trainee withdraw up to the last day, and not after the opportunity has ended", () => {
    expect(canTransition("withdraw", "trainee", "approved", lastDay)).toBe(true);
    expect(canTransition("withdraw", "trainee", "approved", after)).toBe(false);
    expect(canTransition("withdraw", "trainee", "submitted", after)).toBe(false);
    expect(TRANSITIONS.withdraw.refusal?.(after)).toBe(
      "This opportunity ended on 31 March 2027, so the application can no longer be withdrawn: it stays on your record as it is",
    );
  });

  it("offers a place only while a seat is free on a published opportunity not ended, and otherwise the waiting list", () => {
    expect(actionsFor("trust_lead", "submitted", full)).toEqual(["waitlist", "decline"]);
    expect(actionsFor("trust_lead", "waitlisted", full)).toEqual(["decline"]);
    expect(actionsFor("trust_lead", "submitted", { ...running, status: "closed" })).toEqual(["waitlist", "decline"]);
    expect(actionsFor("trust_lead", "submitted", after)).toEqual(["decline"]);
    expect(actionsFor("trust_lead", "submitted", { ...running, status: "archived" })).toEqual(["decline"]);
    expect(TRANSITIONS.offer.refusal?.(full)).toBe("All 2 seats are taken: add the applicant to the waiting list instead");
    expect(TRANSITIONS.offer.refusal?.({ ...full, seats: 1, seatsTaken: 1 })).toBe("All 1 seat is taken: add the applicant to the waiting list instead");
  });

  it("does not ask the DME to approve a placement on an opportunity that has ended", () => {
    expect(actionsFor("dme", "offered", after)).toEqual(["reject"]);
  });

  it("counts as open (withdrawn when an account closes) only what can still be withdrawn", () => {
    expect(isOpenApplication("approved", "2027-03-31", "2027-03-31")).toBe(true);
    expect(isOpenApplication("approved", "2027-03-31", "2027-04-01")).toBe(false);
    expect(isOpenApplication("submitted", "2027-03-31", "2027-04-01")).toBe(false);
    expect(isOpenApplication("completed", "2027-03-31", "2027-03-01")).toBe(false);
  });
});

describe("what happens next, for the trainee", () => {
  it("no status's words promise a reflection: the link to it shows only where one can be written (a completed or an ended approved placement)", () => {
    for (const words of Object.values(WHAT_NEXT)) expect(words).not.toMatch(/reflect/i);
  });
});

describe("placement warnings for the DME", () => {
  const here = { trustId: "t1", trustName: "Here Trust", placementType: "In Post" };
  it("warns when the trainee is not placed, or placed elsewhere", () => {
    expect(placementWarning([], "t1", "Here Trust")).toBe("The trainee has no placement recorded during these dates");
    expect(placementWarning([{ ...here, placementType: "Parental Leave" }], "t1", "Here Trust")).toBe("The trainee has no placement recorded during these dates");
    expect(placementWarning([here, { trustId: "t2", trustName: "Other Trust", placementType: "In Post" }], "t1", "Here Trust")).toBe(
      "The trainee is placed at Other Trust, not Here Trust, for some or all of these dates",
    );
    expect(placementWarning([here], "t1", "Here Trust")).toBeNull();
  });
});
