import { describe, expect, it } from "vitest";

import { actionsFor, canTransition, TRANSITIONS } from "~/models/applications.rules";
import { placementWarning } from "~/models/applications.server";

describe("the transition table", () => {
  it("gives each role only its own moves", () => {
    expect(actionsFor("trust_lead", "submitted")).toEqual(["offer", "waitlist", "decline"]);
    expect(actionsFor("trust_lead", "waitlisted")).toEqual(["offer", "decline"]);
    expect(actionsFor("dme", "offered")).toEqual(["approve", "reject"]);
    expect(actionsFor("trainee", "approved")).toEqual(["withdraw"]);
    expect(actionsFor("trust_lead", "approved")).toEqual(["complete", "not_complete"]);
    expect(actionsFor("admin", "submitted")).toEqual([]);
  });

  it("refuses moves out of final statuses", () => {
    for (const status of ["completed", "declined", "rejected", "withdrawn", "not_completed"] as const) {
      for (const role of ["trainee", "trust_lead", "dme", "admin"] as const) expect(actionsFor(role, status)).toEqual([]);
    }
  });

  it("lets a trainee withdraw any time before completion, and nobody else", () => {
    expect(canTransition("withdraw", "trainee", "offered")).toBe(true);
    expect(canTransition("withdraw", "trainee", "completed")).toBe(false);
    expect(canTransition("withdraw", "trust_lead", "submitted")).toBe(false);
    expect(canTransition("offer", "trainee", "submitted")).toBe(false);
    expect(canTransition("approve", "trust_lead", "offered")).toBe(false);
  });

  it("needs a reason to decline, reject or record non-completion", () => {
    expect(TRANSITIONS.decline.reason).toBe("required");
    expect(TRANSITIONS.reject.reason).toBe("required");
    expect(TRANSITIONS.not_complete.reason).toBe("required");
    expect(TRANSITIONS.withdraw.reason).toBe("optional");
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
