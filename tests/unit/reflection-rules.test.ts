import * as v from "valibot";
import { describe, expect, it } from "vitest";

import { canReflect, DraftReflectionSchema, FinalReflectionSchema, REFLECTION_TEXT_MAX, SignOffSchema } from "~/models/reflections.schema";
import { TRANSITIONS } from "~/models/applications.rules";
import { issuesToFieldErrors } from "~/utils/forms";

const errors = (schema: v.GenericSchema, input: unknown) => {
  const r = v.safeParse(schema, input);
  return r.success ? {} : issuesToFieldErrors(r.issues);
};

const FULL = {
  whatHappened: "I shadowed the chief executive.",
  soWhat: "I learned how the board weighs risk.",
  nowWhat: "I will join the next improvement huddle.",
  hlmDimensions: ["engaging_the_team"],
  gpcDomains: ["leadership_teamworking", "patient_safety_qi"],
  rating: "5",
  wouldRecommend: "no",
};

describe("a reflection's rules", () => {
  it("lets a draft be empty or partial, and turns its answers into values", () => {
    expect(v.parse(DraftReflectionSchema, {})).toEqual({ whatHappened: "", soWhat: "", nowWhat: "", hlmDimensions: [], gpcDomains: [], rating: null, wouldRecommend: null });
    expect(v.parse(DraftReflectionSchema, { whatHappened: "  Started  ", rating: "3", wouldRecommend: "yes", hlmDimensions: ["leading_with_care", "leading_with_care"] })).toMatchObject({
      whatHappened: "Started",
      rating: 3,
      wouldRecommend: true,
      hlmDimensions: ["leading_with_care"],
    });
  });

  it("holds a draft to the same bounds and lists as a final one", () => {
    expect(errors(DraftReflectionSchema, { soWhat: "x".repeat(REFLECTION_TEXT_MAX + 1), rating: "6", hlmDimensions: ["charisma"], gpcDomains: ["domain_10"], wouldRecommend: "maybe" })).toEqual({
      soWhat: "What you learned must be 5,000 characters or fewer",
      rating: "Choose a rating from 1 to 5",
      // Filed under the checkbox group, whose id the page has (not "hlmDimensions.0").
      hlmDimensions: "Choose leadership dimensions from the list",
      gpcDomains: "Choose GMC domains from the list",
      wouldRecommend: "Choose yes or no",
    });
    expect(errors(DraftReflectionSchema, { whatHappened: "x".repeat(REFLECTION_TEXT_MAX) })).toEqual({});
  });

  it("needs every part answered to be final, each with its own message", () => {
    expect(errors(FinalReflectionSchema, FULL)).toEqual({});
    expect(v.parse(FinalReflectionSchema, FULL)).toMatchObject({ rating: 5, wouldRecommend: false });
    expect(errors(FinalReflectionSchema, { whatHappened: "   " })).toEqual({
      whatHappened: "Describe what happened",
      soWhat: "Say what you learned",
      nowWhat: "Say what you will do next",
      hlmDimensions: "Select at least one leadership dimension you practised",
      gpcDomains: "Select at least one GMC domain this evidences",
      rating: "Choose a rating from 1 to 5",
      wouldRecommend: "Say whether you would recommend this opportunity",
    });
  });

  it("opens on a completed application, or an approved one whose opportunity has ended", () => {
    expect(canReflect("completed", "2027-03-31", "2027-03-31")).toBe(true);
    expect(canReflect("approved", "2027-03-31", "2027-03-31")).toBe(false);
    expect(canReflect("approved", "2027-03-31", "2027-04-01")).toBe(true);
    for (const status of ["submitted", "offered", "not_completed", "withdrawn", "declined", "rejected", "waitlisted"] as const) {
      expect(canReflect(status, "2027-03-31", "2028-01-01"), status).toBe(false);
    }
  });
});

describe("the sponsor's sign-off", () => {
  it("is the complete transition's structured feedback: dimensions observed, strengths and a next step, all required", () => {
    expect(TRANSITIONS.complete).toMatchObject({ feedback: "sponsor", reason: "none" });
    expect(TRANSITIONS.not_complete).toMatchObject({ reason: "required" });
    expect(errors(SignOffSchema, {})).toEqual({
      observedDimensions: "Select at least one leadership dimension the sponsor observed",
      strengths: "Describe the trainee's strengths",
      nextStep: "Suggest one next step for the trainee",
    });
    expect(errors(SignOffSchema, { observedDimensions: ["holding_to_account"], strengths: "Clear", nextStep: "x".repeat(2001) })).toEqual({ nextStep: "The next step must be 2,000 characters or fewer" });
  });
});
