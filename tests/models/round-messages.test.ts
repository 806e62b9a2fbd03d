import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import { allocationRounds, roundPreferences, users } from "@db/schema";
import { listNotifications } from "~/models/notifications.server";
import { tellAboutRound } from "~/models/round-messages.server";

import { useTestDatabase } from "../helpers/db";
import { composedOutbox, MAIL_ORIGIN } from "../helpers/emails";
import { makeOpportunity, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();

async function roundWithChoice() {
  const trust = await makeTrust(t.db);
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id });
  const trainee = await makeTrainee(t.db, { name: "Dr Rowan Example" });
  const opportunityId = await makeOpportunity(t.db, trust.id, { title: "Shadow the medical director" });
  const [round] = await t.db
    .insert(allocationRounds)
    .values({ name: "Spring leadership round", trustId: trust.id, opensAt: new Date("2027-01-01T09:00:00Z"), closesAt: new Date("2027-03-14T17:00:00Z") })
    .returning({ id: allocationRounds.id });
  await t.db.insert(roundPreferences).values({
    roundId: round!.id,
    traineeId: trainee.id,
    opportunityId,
    rank: 1,
    statement: "x".repeat(60),
    declinedAt: new Date(),
    declinedBy: dme.id,
    declineReason: "Open to surgical trainees only this time",
  });
  return { trust, dme, trainee, opportunityId, roundId: round!.id };
}

describe("messages about a round", () => {
  it("are stored as facts and worded when shown: a declined choice names the opportunity and the trust's reason", async () => {
    const w = await roundWithChoice();
    await t.db.transaction((tx) =>
      tellAboutRound(tx, { roundId: w.roundId, event: "choice_declined", actorId: w.dme.id }, [
        { userId: w.trainee.id, audience: "trainee", params: { opportunityId: w.opportunityId } },
      ]),
    );
    const [note] = await listNotifications(t.db, w.trainee.id);
    expect(note).toMatchObject({
      title: "Choice declined: Shadow the medical director",
      link: `/trainee/rounds/${w.roundId}`,
    });
    expect(note!.body).toContain("Reason: Open to surgical trainees only this time");

    const [mail] = await composedOutbox(t.db);
    expect(mail!.row.params).toEqual({ event: "choice_declined", opportunityId: w.opportunityId, audience: "trainee" });
    expect(mail!.email?.subject).toBe("Invitational: Choice declined: Shadow the medical director");
    expect(mail!.email?.text).toContain(`${MAIL_ORIGIN}/trainee/rounds/${w.roundId}`);
  });

  it("to staff link to the round's page and carry counts, not names", async () => {
    const w = await roundWithChoice();
    await t.db.transaction((tx) =>
      tellAboutRound(tx, { roundId: w.roundId, event: "allocated", actorId: null }, [{ userId: w.dme.id, audience: "dme", params: { placed: "2", waitlisted: "5" } }]),
    );
    const [note] = await listNotifications(t.db, w.dme.id);
    expect(note!.link).toBe(`/rounds/${w.roundId}`);
    expect(note!.body).toContain("2 trainees were placed");
    const [mail] = await composedOutbox(t.db);
    expect(JSON.stringify(mail!.row)).not.toContain("Rowan");
  });

  it("are not e-mailed to an account disabled before the message is sent", async () => {
    const w = await roundWithChoice();
    await t.db.transaction((tx) =>
      tellAboutRound(tx, { roundId: w.roundId, event: "cancelled", actorId: null }, [{ userId: w.trainee.id, audience: "trainee" }]),
    );
    await t.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, w.trainee.id));
    const [mail] = await composedOutbox(t.db);
    expect(mail!.email).toBeNull();
  });
});
