import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import { describe, expect, it } from "vitest";

import { RichText, richTextBlocks } from "~/components/rich-text";
import { describeGrades, eligibilityFor } from "~/models/eligibility";
import { parseOpportunityForm } from "~/models/opportunities.schema";
import { parseSearchParams, searchHref } from "~/models/search.schema";

import { opportunityForm } from "../helpers/opportunities";

function errorsFor(overrides: Record<string, string | string[]>) {
  const result = parseOpportunityForm(opportunityForm(overrides));
  return result.ok ? {} : result.fieldErrors;
}

describe("opportunity form rules", () => {
  it("accepts a complete shadowing opportunity with one session", () => {
    const result = parseOpportunityForm(opportunityForm());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.sessions).toEqual([{ date: "2027-03-03", startsAt: "09:00", endsAt: "17:00", location: "Executive offices" }]);
    expect(result.data.learningOutcomes).toHaveLength(2);
    expect(result.data.ltftFriendly).toBe(true);
    expect(result.data.tier).toBe(1);
  });

  it("needs an objective for a QI project", () => {
    expect(errorsFor({ type: "qi_project" }).objectiveId).toBe("Select the organisational objective this quality improvement project supports");
  });

  it.each(["board_seat", "shadowing"])("needs at least one dated session for %s", (type) => {
    const none = { sessionDate: [], sessionStart: [], sessionEnd: [], sessionLocation: [] };
    expect(errorsFor({ type, ...none }).sessions).toBe("Board seats and shadowing need at least one dated session");
  });

  it("does not need a session for a patient safety investigation", () => {
    expect(errorsFor({ type: "patient_safety", sessionDate: [], sessionStart: [], sessionEnd: [], sessionLocation: [] })).toEqual({});
  });

  it("needs every session inside the start–end window", () => {
    expect(errorsFor({ sessionDate: ["2027-04-02"] }).sessions).toBe("Every session must fall between the start and end dates");
  });

  it("checks each session row", () => {
    expect(errorsFor({ sessionEnd: ["08:00"] }).sessions).toBe("Session 1: the end time must be after the start time");
    expect(errorsFor({ sessionLocation: [""] }).sessions).toBe("Session 1: enter where it takes place");
    expect(errorsFor({ sessionDate: ["2027-02-30"] }).sessions).toBe("Session 1: enter a real date, like 2027-03-15");
  });

  it("makes a chief resident role tier 3 and at least 3 months long", () => {
    const errors = errorsFor({ type: "chief_resident", tier: "2" });
    expect(errors.tier).toBe("A chief resident role is tier 3: a sustained track");
    expect(errors.endsOn).toBe("A chief resident role lasts at least 3 months");
    expect(errorsFor({ type: "chief_resident", tier: "3", endsOn: "2027-06-01" })).toEqual({});
  });

  it.each([
    ["0", "The number of seats must be 1 or more"],
    ["51", "The number of seats must be 50 or fewer"],
    ["2.5", "The number of seats must be a whole number"],
    ["many", "The number of seats must be a number"],
    ["-2", "The number of seats must be 1 or more"],
  ])("refuses %j seats", (seats, message) => {
    expect(errorsFor({ seats }).seats).toBe(message);
  });

  it("says a negative number of hours is too few, not that it is not a number", () => {
    expect(errorsFor({ hoursPerWeek: "-3" }).hoursPerWeek).toBe("The hours a week must be 0.5 or more");
    expect(errorsFor({ hoursPerWeek: "three" }).hoursPerWeek).toBe("The hours a week must be a number, like 2 or 2.5");
  });

  it("needs the deadline on or before the start and the end on or after it", () => {
    expect(errorsFor({ applicationDeadline: "2027-03-02" }).applicationDeadline).toBe("The application deadline must be on or before the start date");
    expect(errorsFor({ endsOn: "2027-02-28", sessionDate: ["2027-03-01"] }).endsOn).toBe("The end date must be the same as or after the start date");
    expect(errorsFor({ startsOn: "2027-13-01" }).startsOn).toBe("The start date must be a real date, like 2027-03-15");
  });

  it("needs at least one eligible grade, dimension and learning outcome", () => {
    const errors = errorsFor({ eligibleGrades: [], hlmDimensions: [], learningOutcomes: "  \n " });
    expect(errors.eligibleGrades).toBe("Select at least one eligible grade");
    expect(errors.hlmDimensions).toBe("Select at least one Healthcare Leadership Model dimension");
    expect(errors.learningOutcomes).toBe("Enter at least one learning outcome");
  });

  it("keeps hours a week within the total", () => {
    expect(errorsFor({ totalHours: "1", hoursPerWeek: "4" }).hoursPerWeek).toBe("Hours a week cannot be more than the total hours");
  });

  it("lists problems in the order of the fields on the page", () => {
    const result = parseOpportunityForm(opportunityForm({ title: "", seats: "0", endsOn: "2027-02-01", learningOutcomes: "" }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fieldErrors)).toEqual(["title", "learningOutcomes", "endsOn", "sessions", "seats"]);
  });

  it("bounds text lengths", () => {
    expect(errorsFor({ title: "x".repeat(121) }).title).toBe("Title must be 120 characters or fewer");
    expect(errorsFor({ summary: "x".repeat(301) }).summary).toBe("Summary must be 300 characters or fewer");
    expect(errorsFor({ description: "x".repeat(5001) }).description).toBe("Description must be 5,000 characters or fewer");
  });

  it("keeps the values typed when refusing", () => {
    const result = parseOpportunityForm(opportunityForm({ seats: "0" }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.values.title).toBe("Shadow the Chief Medical Officer");
    expect(result.values.eligibleGrades).toEqual(["FY2", "CT1"]);
  });
});

describe("descriptions render as text", () => {
  it("shows a script tag as characters, never as markup", () => {
    const html = renderToStaticMarkup(createElement(RichText, { text: "Hello <script>alert(1)</script>\n\n- one\n- two" }));
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("<ul><li>one</li><li>two</li></ul>");
  });

  it("the description hint's dash lists show literal dashes: a list starts at any line beginning with a dash and a space", () => {
    const html = renderToStaticMarkup(createElement(RichText, { text: "You will:\n- lead the audit\n- present to the board\nThen you write it up.\n\nAsk your DME first." }));
    expect(html).toBe(
      "<p><span>You will:</span></p><ul><li>lead the audit</li><li>present to the board</li></ul><p><span>Then you write it up.</span></p><p><span>Ask your DME first.</span></p>",
    );
  });

  it("keeps lines of a paragraph together and leaves a dash without a space as text", () => {
    expect(richTextBlocks("Two lines\r\nof one paragraph\n-5 degrees\n\n* starred\n• dotted")).toEqual([
      { kind: "paragraph", lines: ["Two lines", "of one paragraph", "-5 degrees"] },
      { kind: "list", items: ["starred", "dotted"] },
    ]);
  });
});

describe("eligibility in words", () => {
  it.each([
    [["ST3", "ST4", "ST5", "ST6", "ST7", "ST8"], "ST3 and above"],
    [["FY1", "FY2"], "FY1 and FY2"],
    [["CT1", "CT2", "CT3"], "CT1–CT3"],
    [["ST4", "ST5", "ST6"], "ST4–ST6"],
    [["FY2", "GPST1", "GPST2", "GPST3"], "FY2 and GPST1–GPST3"],
    [["FY1", "FY2", "CT1"], "FY1, FY2 and CT1"],
  ] as const)("%j reads %j", (grades, words) => {
    expect(describeGrades(grades)).toBe(words);
  });

  const opp = { eligibleGrades: ["ST3", "ST4", "ST5", "ST6", "ST7", "ST8"] as const, specialties: [], applicationDeadline: "2027-01-31", status: "published", seatsLeft: 2 };

  it("tells a trainee of the wrong grade why not", () => {
    const verdict = eligibilityFor({ ...opp, eligibleGrades: [...opp.eligibleGrades] }, { role: "trainee", grade: "FY2", specialty: "Foundation" }, "2026-11-25");
    expect(verdict).toEqual({ eligible: false, reason: "Open to ST3 and above; you are FY2." });
  });

  it("tells an eligible trainee so", () => {
    const verdict = eligibilityFor({ ...opp, eligibleGrades: [...opp.eligibleGrades] }, { role: "trainee", grade: "ST4", specialty: "Paediatrics" }, "2026-11-25");
    expect(verdict.eligible).toBe(true);
  });

  it("checks specialties, deadlines and signed-out visitors", () => {
    const base = { ...opp, eligibleGrades: [...opp.eligibleGrades] };
    expect(eligibilityFor({ ...base, specialties: ["Emergency Medicine"] }, { role: "trainee", grade: "ST4", specialty: "Paediatrics" }, "2026-11-25").reason).toBe(
      "Open to trainees in Emergency Medicine; you are in Paediatrics.",
    );
    expect(eligibilityFor(base, { role: "trainee", grade: "ST4", specialty: "" }, "2027-02-01").reason).toBe("Applications closed on 31 January 2027.");
    expect(eligibilityFor(base, null, "2026-11-25").reason).toMatch(/^Open to ST3 and above\. Sign in/);
  });
});

describe("search query in the URL", () => {
  it("removes NUL and control characters, which PostgreSQL text cannot hold", () => {
    expect(parseSearchParams(new URLSearchParams("q=sep%00sis&ics=a%00b")).q).toBe("sepsis");
  });

  it("keeps sensible values and drops nonsense rather than failing", () => {
    const filters = parseSearchParams(new URLSearchParams("q=sepsis&type=qi_project&tier=9&region=Wales&maxHours=4&trust=rrk&page=-3&sort=weird"));
    expect(filters).toMatchObject({ q: "sepsis", type: "qi_project", tier: undefined, region: undefined, maxHours: 4, trust: "RRK", page: 1, sort: "relevance" });
  });

  it("builds links that keep the other filters", () => {
    const filters = parseSearchParams(new URLSearchParams("q=board&ltft=yes"));
    expect(searchHref(filters, { page: 2 })).toBe("/opportunities?q=board&ltft=yes&page=2");
  });
});
