// At most one nudge a month: the window in London calendar dates, at the month's edges.
import { describe, expect, it } from "vitest";

import { nextNudgeDate, nudgeWindowStart } from "~/models/nudge-rules";

describe("nudgeWindowStart", () => {
  it("is the same date a month earlier, or that month's last day", () => {
    expect(nudgeWindowStart("2026-12-01")).toBe("2026-11-01");
    expect(nudgeWindowStart("2027-03-31")).toBe("2027-02-28");
    expect(nudgeWindowStart("2028-03-30")).toBe("2028-02-29");
    expect(nudgeWindowStart("2027-01-15")).toBe("2026-12-15");
  });
});

describe("nextNudgeDate", () => {
  it("is the day after the same date a month later", () => {
    expect(nextNudgeDate("2026-11-15")).toBe("2026-12-16");
    expect(nextNudgeDate("2026-12-31")).toBe("2027-02-01");
  });

  it("waits past every day whose window still reaches back to the nudge (the end of February)", () => {
    // 28, 29, 30 and 31 March all look back to 28 February in 2027.
    expect(nextNudgeDate("2027-02-28")).toBe("2027-04-01");
    expect(nextNudgeDate("2027-01-31")).toBe("2027-03-01");
  });

  it("agrees with the window: blocked the day before, free on the day", () => {
    for (const last of ["2026-10-25", "2027-02-28", "2027-03-31", "2027-08-31", "2028-02-29"]) {
      const next = nextNudgeDate(last);
      expect(nudgeWindowStart(next) > last).toBe(true);
      expect(nudgeWindowStart(addDay(next, -1)) <= last).toBe(true);
    }
  });
});

function addDay(iso: string, n: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
