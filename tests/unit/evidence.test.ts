import { describe, expect, it } from "vitest";

import { buildEvidence, evidenceFileName, hoursText, includesReflection, summariseEvidence } from "~/models/evidence/evidence";

import { evidenceRow } from "../helpers/evidence";

describe("the evidence of one opportunity", () => {
  it("leaves the reflection out unless the trainee includes it: no words, no rating, and the GPC domains suggested from the type", () => {
    const e = buildEvidence(evidenceRow(), [], { includeReflection: false });
    expect(e.reflectionState).toBe("left_out");
    expect(e.reflection).toBeNull();
    expect(e.gpc).toEqual({
      suggested: true,
      domains: [
        { domain: "leadership_teamworking", label: "Domain 5: Capabilities in leadership and team working" },
        { domain: "patient_safety_qi", label: "Domain 6: Capabilities in patient safety and quality improvement" },
      ],
    });
    expect(e.dimensions.map((d) => d.dimension)).not.toContain("leading_with_care");
    expect(JSON.stringify(e)).not.toContain("PDSA");
  });

  it("includes a final reflection when asked: its words, rating, the trainee's own GPC domains and the dimensions practised", () => {
    const e = buildEvidence(evidenceRow(), [], { includeReflection: true });
    expect(e.reflectionState).toBe("included");
    expect(e.reflection).toEqual({
      whatHappened: "I ran three PDSA cycles on two wards.",
      soWhat: "Data persuades more than opinion.",
      nowWhat: "I will lead the next cycle myself.",
      rating: "4 out of 5",
      wouldRecommend: "Yes",
    });
    // In the framework's order, not the order they were ticked.
    expect(e.gpc).toEqual({
      suggested: false,
      domains: [
        { domain: "professional_values", label: "Domain 1: Professional values and behaviours" },
        { domain: "patient_safety_qi", label: "Domain 6: Capabilities in patient safety and quality improvement" },
      ],
    });
    expect(e.dimensions).toEqual([
      { dimension: "leading_with_care", label: "Leading with care", sources: ["practised, in the trainee's reflection"] },
      { dimension: "evaluating_information", label: "Evaluating information", sources: ["the opportunity's aim", "practised, in the trainee's reflection"] },
      { dimension: "engaging_the_team", label: "Engaging the team", sources: ["the opportunity's aim", "observed by the sponsor"] },
      { dimension: "influencing_for_results", label: "Influencing for results", sources: ["observed by the sponsor"] },
    ]);
  });

  it("never includes a draft reflection, even when asked", () => {
    const row = evidenceRow();
    const e = buildEvidence({ ...row, reflection: { ...row.reflection!, finalisedAt: null } }, [], { includeReflection: true });
    expect(e.reflectionState).toBe("draft");
    expect(e.reflection).toBeNull();
    expect(e.gpc.suggested).toBe(true);
  });

  it("says there is no reflection when none was written", () => {
    expect(buildEvidence(evidenceRow({ reflection: null }), [], { includeReflection: true }).reflectionState).toBe("none");
  });

  it("suggests domain 5 alone for leadership opportunities that are not quality improvement or patient safety", () => {
    for (const type of ["shadowing", "board_seat", "manager_buddying", "chief_resident"] as const) {
      const e = buildEvidence(evidenceRow({ type, reflection: null }), [], { includeReflection: false });
      expect(e.gpc.domains.map((d) => d.domain), type).toEqual(["leadership_teamworking"]);
    }
    expect(buildEvidence(evidenceRow({ type: "patient_safety", reflection: null }), [], { includeReflection: false }).gpc.domains.map((d) => d.domain)).toEqual([
      "leadership_teamworking",
      "patient_safety_qi",
    ]);
  });

  it("falls back to the suggestion when a final reflection mapped no GPC domain", () => {
    const row = evidenceRow();
    const e = buildEvidence({ ...row, reflection: { ...row.reflection!, gpcDomains: [] } }, [], { includeReflection: true });
    expect(e.gpc.suggested).toBe(true);
  });

  it("keeps the sponsor's older free-text feedback when the structured fields are empty", () => {
    const e = buildEvidence(evidenceRow({ observedDimensions: [], strengths: "", nextStep: "", sponsorFeedback: "  A thoughtful colleague.  " }), [], { includeReflection: false });
    expect(e.feedback).toEqual({ observed: [], strengths: "", nextStep: "", text: "A thoughtful colleague." });
  });

  it("writes dates, hours, sessions and the sign-off in words", () => {
    const e = buildEvidence(evidenceRow(), [{ date: "2027-01-12", startsAt: "09:30:00", endsAt: "12:00:00", location: "Ward 4" }], { includeReflection: false });
    expect(e.dates).toBe("4 January 2027 to 26 March 2027");
    expect(e.hoursText).toBe("24 hours");
    expect(e.sessions).toEqual([{ date: "12 January 2027", time: "9:30am to midday", location: "Ward 4" }]);
    expect(e.signedOff).toBe("Signed off as completed on 29 March 2027 by Priya Shah, Sandwell and West Birmingham Hospitals NHS Trust, for the sponsor");
    expect(e.sponsor).toBe("Siobhán Ní Bhriain, Chief Pharmacist");
    expect(hoursText(7.5)).toBe("7.5 hours");
    expect(hoursText(1)).toBe("1 hour");
  });
});

describe("the summary of all completed opportunities", () => {
  it("adds up hours by tier and counts each leadership dimension and GPC domain once", () => {
    const a = buildEvidence(evidenceRow(), [], { includeReflection: false });
    const b = buildEvidence(
      evidenceRow({ applicationId: "b", type: "board_seat", tier: 1, totalHours: "7.5", hlmDimensions: ["sharing_the_vision"], observedDimensions: [] }),
      [],
      { includeReflection: false },
    );
    const s = summariseEvidence({ name: "Dr Łukasz Wójcik", gmcNumber: "7123456" }, [a, b]);
    expect(s.totals.opportunities).toBe(2);
    expect(s.totals.hoursText).toBe("31.5 hours");
    expect(s.totals.byTier.map((t) => [t.tier, t.opportunities, t.hours])).toEqual([
      [1, 1, 7.5],
      [2, 1, 24],
      [3, 0, 0],
    ]);
    expect(s.totals.dimensionsCovered).toBe(4);
    expect(s.totals.dimensions.filter((d) => d.covered).map((d) => d.label)).toEqual(["Evaluating information", "Sharing the vision", "Engaging the team", "Influencing for results"]);
    expect(s.totals.gpcCovered).toEqual(["Domain 5: Capabilities in leadership and team working", "Domain 6: Capabilities in patient safety and quality improvement"]);
  });
});

describe("the PDF's file name and the reflection parameter", () => {
  it("makes a file name of plain letters, digits and hyphens from any title", () => {
    expect(evidenceFileName("Réduire les « erreurs » / Łódź & co.", "2027-03-26")).toBe("leadership-evidence-reduire-les-erreurs-odz-co-2027-03-26.pdf");
    expect(evidenceFileName('"; rm -rf /', "2027-03-26")).toBe("leadership-evidence-rm-rf-2027-03-26.pdf");
    expect(evidenceFileName("Ζωή", "2027-03-26")).toBe("leadership-evidence-opportunity-2027-03-26.pdf");
  });

  it("includes the reflection only for reflection=include", () => {
    expect(includesReflection(new URLSearchParams("reflection=include"))).toBe(true);
    expect(includesReflection(new URLSearchParams(""))).toBe(false);
    expect(includesReflection(new URLSearchParams("reflection=yes"))).toBe(false);
  });
});
