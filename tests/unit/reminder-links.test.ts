import { describe, expect, it } from "vitest";

import { reminderPath } from "~/models/messages";

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
