import { describe, expect, it } from "vitest";

import { rotationsAround, rotationStart } from "../../db/seed/demo";
import { placesTraineeAtTrust, stageOf } from "~/models/domain";
import { maskEmail } from "~/models/outbox.server";
import { formatDate, todayInLondon } from "~/utils/dates";

describe("grade stages", () => {
  it.each([
    ["FY1", "foundation"],
    ["FY2", "foundation"],
    ["CT1", "core"],
    ["CT3", "core"],
    ["ST2", "core"],
    ["ST3", "higher"],
    ["ST8", "higher"],
    ["GPST1", "higher"],
  ] as const)("%s is %s", (grade, stage) => {
    expect(stageOf(grade)).toBe(stage);
  });
});

describe("placement types", () => {
  it("only in-post types place a trainee at the trust", () => {
    expect(placesTraineeAtTrust("In Post")).toBe(true);
    expect(placesTraineeAtTrust("In Post - Extension")).toBe(true);
    expect(placesTraineeAtTrust("Parental Leave")).toBe(false);
    expect(placesTraineeAtTrust("OOPR")).toBe(false);
  });
});

describe("rotation dates", () => {
  it("starts rotations on the first Wednesday of August and February", () => {
    expect(rotationStart(2026, 8)).toBe("2026-08-05");
    expect(rotationStart(2027, 2)).toBe("2027-02-03");
  });

  it("finds the current and next rotation around a date", () => {
    expect(rotationsAround("2026-11-25")).toEqual({
      current: { startsOn: "2026-08-05", endsOn: "2027-02-02" },
      next: { startsOn: "2027-02-03", endsOn: "2027-08-03" },
    });
    expect(rotationsAround("2027-01-10").current.startsOn).toBe("2026-08-05");
    expect(rotationsAround("2026-03-01").current).toEqual({ startsOn: "2026-02-04", endsOn: "2026-08-04" });
  });
});

describe("dates in England", () => {
  it("uses London's date, not UTC's, around midnight in summer", () => {
    expect(todayInLondon(new Date("2026-07-01T23:30:00Z"))).toBe("2026-07-02");
    expect(todayInLondon(new Date("2026-12-01T23:30:00Z"))).toBe("2026-12-01");
  });

  it("writes dates the NHS.UK way", () => {
    expect(formatDate("2027-02-03")).toBe("3 February 2027");
  });
});

describe("masked addresses for logs", () => {
  it("keeps only the first letter and the domain", () => {
    expect(maskEmail("priya.patel@nhs.net")).toBe("p***@nhs.net");
    expect(maskEmail("nonsense")).toBe("***");
  });
});
