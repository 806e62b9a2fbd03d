// After the opportunity: the lead signs off with the sponsor's structured feedback, the trainee
// reads it, writes a draft reflection, marks it final and shares it, and the DME reads it; then
// the trainee downloads the evidence, with the reflection, for their e-portfolio.
import { readFile } from "node:fs/promises";

import { PDFParse } from "pdf-parse";
import type { Page } from "playwright-core";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { opportunities, trusts, users } from "../../db/schema";
import { DEMO_PASSWORD } from "../../db/seed/demo";
import { applyForOpportunity, transitionApplication } from "../../app/models/applications.server";
import { h1, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";
import { makeOpportunity } from "../helpers/factories";

const TITLE = "Sit in on the patient flow meeting";
let applicationId = "";
let trustName = "";

const app = useRunningApp({
  // An opportunity at the demo trust that ended in 2025, with the demo trainee's placement on it approved.
  async prepare(db) {
    const byEmail = async (email: string) => (await db.select({ id: users.id, trustId: users.trustId }).from(users).where(eq(users.email, email)))[0]!;
    const lead = await byEmail("lead@demo.test");
    const dme = await byEmail("dme@demo.test");
    const trainee = await byEmail("trainee@demo.test");
    trustName = (await db.select({ name: trusts.name }).from(trusts).where(eq(trusts.id, lead.trustId!)))[0]!.name;
    const opportunityId = await makeOpportunity(db, lead.trustId!, { title: TITLE, eligibleGrades: ["FY1", "FY2"], hlmDimensions: ["engaging_the_team", "evaluating_information"] });
    await db.update(opportunities).set({ startsOn: "2025-03-01", endsOn: "2025-03-31", applicationDeadline: "2025-02-15" }).where(and(eq(opportunities.id, opportunityId)));
    const applied = await applyForOpportunity(db, trainee.id, { opportunityId, statement: "I want to see how the site team decides where each patient goes next.", confidentiality: true }, "2025-02-01");
    if (!applied.ok) throw new Error(JSON.stringify(applied));
    applicationId = applied.applicationId;
    await transitionApplication(db, { id: lead.id, role: "trust_lead", trustId: lead.trustId }, applicationId, "offer", { today: "2025-02-01" });
    const approved = await transitionApplication(db, { id: dme.id, role: "dme", trustId: dme.trustId }, applicationId, "approve", { today: "2025-02-01" });
    if (!approved.ok) throw new Error(JSON.stringify(approved));
  },
});

async function person(email: string, home: string): Promise<Page> {
  const context = await app.context();
  const page = await context.newPage();
  await signInThroughForm(page, email, DEMO_PASSWORD);
  await page.waitForURL(`**${home}`);
  return page;
}

describe("signing off, reflecting and sharing", () => {
  it("the lead signs off with structured feedback, the trainee reads it, drafts, finalises and shares a reflection, the DME reads it, and the trainee downloads the evidence with it", async () => {
    const lead = await person("lead@demo.test", "/trust");
    await lead.goto(`/applications/${applicationId}`);
    // Without the feedback the sign-off is refused, with a message by each field.
    await lead.getByRole("button", { name: "Sign off as completed" }).click();
    expect(await textOf(lead, ".nhsuk-error-summary", "There is a problem")).toContain("Select at least one leadership dimension the sponsor observed");
    expect(await textOf(lead, "#strengths--error-message")).toContain("Describe the trainee's strengths");
    await lead.getByLabel("Engaging the team").check();
    await lead.getByLabel("Strengths").fill("Listened to every voice in the room and summarised the decisions clearly.");
    await lead.getByLabel("One suggested next step").fill("Run the next flow huddle on your ward.");
    await lead.getByRole("button", { name: "Sign off as completed" }).click();
    await lead.waitForURL(/done=complete/);

    const trainee = await person("trainee@demo.test", "/trainee");
    await trainee.goto(`/applications/${applicationId}`);
    expect(await textOf(trainee, "#sign-off-heading + p + dl, section[aria-labelledby=sign-off-heading]", "Listened to every voice")).toContain("Run the next flow huddle on your ward.");
    await trainee.getByRole("link", { name: "Write your reflection" }).click();
    await trainee.waitForURL(/\/reflection$/);
    expect(await h1(trainee)).toContain(TITLE);
    // The opportunity's own dimensions are suggested.
    expect(await trainee.getByLabel("Engaging the team").isChecked()).toBe(true);
    await trainee.getByLabel("What happened?").fill("I attended the site team's flow meetings for a month.");
    await trainee.getByRole("button", { name: "Save draft" }).click();
    await trainee.waitForURL(/done=draft/);
    expect(await textOf(trainee, ".nhsuk-notification-banner", "draft is saved")).toContain("Only you can see it");

    // Marking it final needs every answer: the draft's words are kept after the refusal.
    await trainee.getByRole("button", { name: "Mark as final" }).click();
    expect(await textOf(trainee, ".nhsuk-error-summary", "There is a problem")).toContain("Say what you learned");
    expect(await trainee.getByLabel("What happened?").inputValue()).toBe("I attended the site team's flow meetings for a month.");
    await trainee.getByLabel("So what: what did you learn?").fill("Flow is a conversation between wards, not a number on a screen.");
    await trainee.getByLabel("Now what: what will you do next?").fill("I will ask for our ward's discharges to be planned the day before.");
    await trainee.getByLabel("Domain 5: Capabilities in leadership and team working").check();
    await trainee.getByLabel("4 – Very good").check();
    await trainee.getByLabel("Yes").check();
    await trainee.getByRole("button", { name: "Mark as final" }).click();
    await trainee.waitForURL(/done=final/);
    expect(await textOf(trainee, ".nhsuk-inset-text", "final")).toContain("can no longer be changed");
    expect(await trainee.getByRole("button", { name: "Save draft" }).count()).toBe(0);
    expect(await textOf(trainee, "#sharing", "Only you")).toContain(`${trustName}'s leadership leads`);

    // Before sharing, the DME sees the application but not the reflection.
    const dme = await person("dme@demo.test", "/dme");
    await dme.goto(`/applications/${applicationId}`);
    await h1(dme, TITLE);
    expect(await dme.getByText("Flow is a conversation between wards").count()).toBe(0);

    await trainee.getByRole("button", { name: `Share with ${trustName}` }).click();
    await trainee.waitForURL(/done=share/);
    expect(await textOf(trainee, "#sharing", "You shared")).toContain("Nobody else does");

    await dme.goto(`/applications/${applicationId}`);
    expect(await textOf(dme, "section[aria-labelledby=reflection-heading]", "Flow is a conversation")).toContain("4 – Very good");

    // The evidence for the e-portfolio: the sponsor's feedback, and the reflection once included.
    await trainee.goto(`/applications/${applicationId}`);
    await trainee.getByRole("link", { name: "View the evidence for your e-portfolio" }).click();
    await trainee.waitForURL(/\/trainee\/evidence\/[0-9a-f-]{36}$/);
    expect(await textOf(trainee, "main", "Listened to every voice")).not.toContain("Flow is a conversation between wards");
    await trainee.getByLabel("Include my reflection").check();
    await trainee.getByRole("button", { name: "Update the evidence" }).click();
    await trainee.waitForURL(/reflection=include/);
    expect(await textOf(trainee, "main", "Flow is a conversation between wards")).toContain("Domain 5: Capabilities in leadership and team working");
    const [file] = await Promise.all([trainee.waitForEvent("download"), trainee.getByRole("button", { name: "Download as PDF" }).click()]);
    const bytes = new Uint8Array(await readFile((await file.path())!));
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe("%PDF-");
    const parser = new PDFParse({ data: bytes });
    try {
      const text = (await parser.getText()).text.replace(/\s+/g, " ");
      expect(text).toContain(TITLE);
      expect(text).toContain("Run the next flow huddle on your ward.");
      expect(text).toContain("Flow is a conversation between wards, not a number on a screen.");
    } finally {
      await parser.destroy();
    }
  });
});
