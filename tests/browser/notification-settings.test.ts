// A trainee turns a kind of e-mail off and gets no more of it by e-mail (it still arrives in
// the app); a lead stops a kind from the link in an e-mail, signed out. The reminders job runs
// at start-up: the demo trainee's shortlisted opportunity closing in two days and the lead's
// opportunity past its deadline are e-mailed at once.
import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { applications, emailOutbox, notifications, opportunities, savedOpportunities, users } from "@db/schema";

import { DEMO_PASSWORD } from "../../db/seed/demo";
import { h1, signInThroughForm, textOf, useRunningApp } from "../helpers/browser";
import { useMailSink, type ReceivedMail } from "../helpers/mail-sink";

const mail = useMailSink();
/** When the later reminder (written as if by a later run of the job) and its marker are due. */
const LATER_MS = 60_000;

const app = useRunningApp({
  env: () => ({ SMTP_URL: mail.url, OUTBOX_POLL_MS: "200" }),
  prepare: async (db) => {
    const [trainee] = await db.select({ id: users.id }).from(users).where(eq(users.email, "trainee@demo.test"));
    const [saved] = await db
      .select({ id: opportunities.id, deadline: opportunities.applicationDeadline })
      .from(savedOpportunities)
      .innerJoin(opportunities, eq(opportunities.id, savedOpportunities.opportunityId))
      .where(eq(savedOpportunities.traineeId, trainee!.id))
      // The one closing within three days: the reminder the job sent at start-up is about it.
      .orderBy(asc(opportunities.applicationDeadline));
    const [application] = await db
      .select({ id: applications.id, eventId: sql<number>`(select max(e.id) from application_events e where e.application_id = "applications"."id")`.mapWith(Number) })
      .from(applications)
      .where(and(eq(applications.traineeId, trainee!.id), eq(applications.status, "approved")));
    const later = new Date(Date.now() + LATER_MS);
    // A second shortlist reminder the job writes later (in-app and e-mail), then an e-mail that is
    // always sent, queued just after it: once that arrives, the reminder's turn has passed.
    await db.insert(notifications).values({ userId: trainee!.id, kind: "shortlist_deadline", opportunityId: saved!.id, params: { deadline: saved!.deadline } });
    await db.insert(emailOutbox).values({ kind: "shortlist_deadline", recipientId: trainee!.id, opportunityId: saved!.id, params: { deadline: saved!.deadline }, nextAttemptAt: later });
    await db.insert(emailOutbox).values({ kind: "application_event", recipientId: trainee!.id, applicationId: application!.id, eventId: application!.eventId, params: { audience: "trainee" }, nextAttemptAt: new Date(later.getTime() + 1) });
  },
});

async function waitForMail(match: (m: ReceivedMail) => boolean, what: string, withinMs = 120_000): Promise<ReceivedMail> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const found = mail.messages.find(match);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no e-mail: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const to = (address: string, subject: string) => (m: ReceivedMail) => m.to.includes(address) && m.text.includes(subject);

describe("notification settings", () => {
  it("a trainee turns shortlist e-mails off in Settings and gets no more of them by e-mail, while they still arrive in the app", async () => {
    await waitForMail(to("trainee@demo.test", "Subject: Invitational: Closing soon"), "the start-up shortlist reminder");
    const context = await app.context({ javaScriptEnabled: false, mobile: true });
    const page = await context.newPage();
    await signInThroughForm(page, "trainee@demo.test", DEMO_PASSWORD);
    await page.waitForURL("**/trainee");
    await page.getByRole("navigation", { name: "Your account" }).getByRole("link", { name: "Settings" }).click();
    expect(await h1(page, "Notification settings")).toBe("Notification settings");
    const box = page.getByRole("checkbox", { name: "Shortlist deadlines" });
    expect(await box.isChecked()).toBe(true);
    await box.uncheck();
    await page.getByRole("button", { name: "Save notification settings" }).click();
    expect(await textOf(page, ".nhsuk-notification-banner", "saved")).toContain("Your notification settings are saved.");
    expect(await page.getByRole("checkbox", { name: "Shortlist deadlines" }).isChecked()).toBe(false);
    expect(await page.getByRole("checkbox", { name: "Sessions tomorrow" }).isChecked()).toBe(true);

    // The later reminder's e-mail was due before the marker: the marker arriving means it was passed over.
    await waitForMail(to("trainee@demo.test", "Subject: Invitational: Approved"), "the marker after the later reminder", LATER_MS + 60_000);
    expect(mail.messages.filter(to("trainee@demo.test", "Subject: Invitational: Closing soon"))).toHaveLength(1);
    await page.goto("/notifications");
    expect(await page.getByRole("heading", { name: /Closing soon/ }).count()).toBe(2);
    await context.close();
  });

  it("a lead stops one kind from the link in an e-mail without signing in; a forged link is a plain 404", async () => {
    const message = await waitForMail(to("lead@demo.test", "Subject: Invitational: Deadline passed"), "the start-up deadline reminder");
    expect(message.text).toMatch(/List-Unsubscribe:\s+<http:\/\/[^>]+\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>/);
    expect(message.text).toContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    const link = /https?:\/\/[^/\s]+(\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43})/.exec(message.text)![1]!;
    const context = await app.context({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(link);
    expect(await h1(page, "Stop e-mails about deadlines passed?")).toBe("Stop e-mails about deadlines passed?");
    await page.getByRole("button", { name: "Stop these e-mails" }).click();
    expect(await h1(page, "You will no longer get e-mails about deadlines passed")).toBe("You will no longer get e-mails about deadlines passed");
    const forged = await page.goto(`${link.slice(0, -3)}AAA`);
    expect(forged!.status()).toBe(404);
    await signInThroughForm(page, "lead@demo.test", DEMO_PASSWORD);
    await page.waitForURL("**/trust");
    await page.goto("/account/notifications");
    expect(await page.getByRole("checkbox", { name: "Deadlines passed" }).isChecked()).toBe(false);
    expect(await page.getByRole("checkbox", { name: "Applications waiting" }).isChecked()).toBe(true);
    await context.close();
  });
});
