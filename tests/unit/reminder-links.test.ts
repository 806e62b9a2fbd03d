import { describe, expect, it } from "vitest";

import { reminderPath, wordReminder } from "~/models/messages";

const applicationId = "0b5e6c1e-2f0a-4c55-9d2b-7f3d1c8a9e01";

describe("where a reminder leads", () => {
  it("the reflection_due reminder leads to the reflection form where it is written, not to the application page", () => {
    expect(reminderPath({ kind: "reflection_due", applicationId, opportunityId: null, roundId: null })).toBe(`/applications/${applicationId}/reflection`);
  });

  it("the staff's waiting reminders still lead to the application, where it is decided", () => {
    expect(reminderPath({ kind: "application_waiting", applicationId, opportunityId: null, roundId: null })).toBe(`/applications/${applicationId}`);
    expect(reminderPath({ kind: "offer_waiting", applicationId, opportunityId: null, roundId: null })).toBe(`/applications/${applicationId}`);
  });
});

describe("a reminder's words when it is sent late, on start-up", () => {
  const facts = { opportunityId: null, applicationId, roundId: null, opportunityTitle: "Join the board", roundName: null, deadline: null, closesAt: null, session: null, traineeName: "Dr Ada New" };

  it("a reflection_due reminder sent up to 30 days after the sign-off does not claim it was signed off exactly a week ago", () => {
    const words = wordReminder({ ...facts, kind: "reflection_due" });
    expect(words.body).not.toMatch(/signed off a week ago/);
    expect(words.body).toContain("Join the board was signed off as completed at least a week ago.");
  });

  it("the waiting reminders give 5 working days as the least it has waited, not its exact age", () => {
    expect(wordReminder({ ...facts, kind: "application_waiting" }).body).toContain("has waited 5 working days or more for a decision");
    expect(wordReminder({ ...facts, kind: "offer_waiting" }).body).toContain("was offered a place on Join the board at least 5 working days ago");
  });
});
