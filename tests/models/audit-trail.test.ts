// The audit trail's recording: every change writes its one row in its own transaction (a table
// of every kind of change), every time staff open a trainee's data writes one row per trainee,
// nothing is written for a refused change, and no row holds a name, an address or typed words.
import { randomUUID } from "node:crypto";

import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";

import type { Db } from "@db/client";
import { auditEvents, opportunities, passwordResets, reflections, traineeProfiles, trusts as trustsTable, users } from "@db/schema";
import { applyForOpportunity, getApplicationForViewer, listApplicants, transitionApplication } from "~/models/applications.server";
import { auditContext, FORMER_STAFF, listViewsOfTrainee, searchAuditEvents, type AuditContext } from "~/models/audit.server";
import { closeTraineeAccount, exportTraineeData } from "~/models/data-rights.server";
import { AUDIT_ACTIONS, type AuditAction } from "~/models/audit-actions";
import type { Role } from "~/models/domain";
import { optOut, saveEmailPreferences } from "~/models/email-preferences.server";
import { sendNudges } from "~/models/nudges.server";
import { createObjective, setObjectiveRetired, updateObjective } from "~/models/objectives.server";
import { parseOpportunityForm } from "~/models/opportunities.schema";
import { changeOpportunityStatus, duplicateOpportunity, saveOpportunity } from "~/models/opportunities.server";
import { resetPassword } from "~/models/password-resets.server";
import { deletePlacement, savePlacement, updateEqualityAnswers, updateProfile } from "~/models/profile.server";
import { reflectionForApplication } from "~/models/reflections.server";
import { cancelRound, createRound, declineChoice, updateRound } from "~/models/round-admin.server";
import { closeRound } from "~/models/round-close.server";
import { cancelImport, confirmImport, createImportPreview, getImport, readRotationUpload, type Importer } from "~/models/rotation-import.server";
import { createTrust, updateTrust } from "~/models/trusts.server";
import {
  acceptInvitation,
  cancelInvitation,
  changeOwnPassword,
  correctTraineeEmail,
  getUserForAdmin,
  hashToken,
  inviteStaff,
  registerTrainee,
  resendInvitation,
  setUserDisabled,
} from "~/models/users.server";

import { csvOf, importRow, TEST_ORIGIN, uploadRequest } from "../fixtures/rotation-import";
import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makePlacement, makeRound, makeRoundChoice, makeTrainee, makeTrust, makeUser, TEST_PASSWORD } from "../helpers/factories";
import { opportunityForm } from "../helpers/opportunities";

const t = useTestDatabase();
const today = "2026-11-25";
const HOUR = 3_600_000;
const LATER = { startsOn: "2099-03-01", endsOn: "2099-03-31", applicationDeadline: "2099-02-15", sessionDate: ["2099-03-03", "", "", "", "", ""] };

/** A request's audit context, as a route builds it from its load context. */
const by = (user: { id: string; role: Role }): AuditContext => auditContext({ user, requestId: randomUUID() });
const actor = (u: { id: string; role: Role; trustId: string | null }) => ({ id: u.id, role: u.role, trustId: u.trustId });

async function world() {
  const trust = await makeTrust(t.db, { odsCode: "RRK", name: "Audit Hospitals NHS Trust" });
  const lead = await makeUser(t.db, { role: "trust_lead", trustId: trust.id, name: "Mrs Lead Auditable", email: "lead.auditable@example.nhs.uk" });
  const dme = await makeUser(t.db, { role: "dme", trustId: trust.id, name: "Dr Dme Auditable", email: "dme.auditable@example.nhs.uk" });
  const admin = await makeUser(t.db, { role: "admin", name: "Ms Admin Auditable", email: "admin.auditable@example.nhs.uk" });
  const trainee = await makeTrainee(t.db, { name: "Dr Trainee Auditable", email: "trainee.auditable@example.nhs.uk" });
  await makePlacement(t.db, { traineeId: trainee.id, trustId: trust.id, grade: "FY2", startsOn: "2026-08-06", endsOn: "2027-08-01", source: "import" });
  const opportunityId = await makeOpportunity(t.db, trust.id, { seats: "1" });
  return { trust, lead, dme, admin, trainee, opportunityId };
}
type World = Awaited<ReturnType<typeof world>>;

async function applied(w: World, traineeId = w.trainee.id) {
  const result = await applyForOpportunity(t.db, traineeId, { opportunityId: w.opportunityId, statement: "I would like to learn how the executive team works.", confidentiality: false }, today);
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.applicationId;
}

async function offered(w: World) {
  const id = await applied(w);
  expect((await transitionApplication(t.db, actor(w.lead), id, "offer", { today })).ok).toBe(true);
  return id;
}

function opportunityInput(fields: Record<string, string | string[]> = {}) {
  const parsed = parseOpportunityForm(opportunityForm(fields));
  if (!parsed.ok) throw new Error("invalid test opportunity");
  return parsed.data;
}

function roundInput(opportunityIds: string[]) {
  const now = Date.now();
  return { name: "Spring leadership round", opportunityIds, opensAt: new Date(now + 24 * HOUR), closesAt: new Date(now + 8 * 24 * HOUR), maxChoices: 5, seed: null };
}

async function upload(text: string) {
  const result = await readRotationUpload(uploadRequest(text, "rotations.csv"));
  if (!result.ok) throw new Error(result.message);
  return result;
}

const importerOf = (u: { id: string; role: Role; trustId: string | null }): Importer =>
  u.role === "dme" ? { id: u.id, role: "dme", trustId: u.trustId! } : { id: u.id, role: "admin", trustId: null };

type Expected = { action: AuditAction; targetType: string; targetId?: string | null; traineeId?: string | null; trustId?: string | null };
/** One kind of change: it runs the change as the given request and says which row it must write. */
type Case = { change: string; run: (w: World) => Promise<{ audit: AuditContext; expected: Expected }> };

const CHANGES: Case[] = [
  {
    change: "a trust lead creates an opportunity",
    run: async (w) => {
      const audit = by(w.lead);
      const result = await saveOpportunity(t.db, { trustId: w.trust.id, userId: w.lead.id }, opportunityInput(), undefined, audit);
      if (!result.ok) throw new Error("refused");
      return { audit, expected: { action: "opportunity.created", targetType: "opportunity", targetId: result.id, trustId: w.trust.id } };
    },
  },
  {
    change: "a trust lead edits an opportunity",
    run: async (w) => {
      const audit = by(w.lead);
      await saveOpportunity(t.db, { trustId: w.trust.id, userId: w.lead.id }, opportunityInput({ seats: "3" }), { id: w.opportunityId, today }, audit);
      return { audit, expected: { action: "opportunity.edited", targetType: "opportunity", targetId: w.opportunityId, trustId: w.trust.id } };
    },
  },
  {
    change: "a trust lead duplicates an opportunity",
    run: async (w) => {
      const audit = by(w.lead);
      const copy = await duplicateOpportunity(t.db, { trustId: w.trust.id, userId: w.lead.id }, w.opportunityId, audit);
      return { audit, expected: { action: "opportunity.duplicated", targetType: "opportunity", targetId: copy, trustId: w.trust.id } };
    },
  },
  {
    change: "a trust lead publishes a draft",
    run: async (w) => {
      const draft = await makeOpportunity(t.db, w.trust.id, {}, "draft");
      const audit = by(w.lead);
      expect((await changeOpportunityStatus(t.db, w.trust.id, draft, "publish", today, audit)).ok).toBe(true);
      return { audit, expected: { action: "opportunity.published", targetType: "opportunity", targetId: draft, trustId: w.trust.id } };
    },
  },
  {
    change: "a trust lead closes an opportunity",
    run: async (w) => {
      const audit = by(w.lead);
      expect((await changeOpportunityStatus(t.db, w.trust.id, w.opportunityId, "close", today, audit)).ok).toBe(true);
      return { audit, expected: { action: "opportunity.closed", targetType: "opportunity", targetId: w.opportunityId, trustId: w.trust.id } };
    },
  },
  {
    change: "a trust lead adds, edits and retires an objective (the retirement's row)",
    run: async (w) => {
      const id = await createObjective(t.db, w.trust.id, { title: "Reduce waiting times", description: "For outpatients." }, by(w.lead));
      await updateObjective(t.db, w.trust.id, id, { title: "Reduce waits", description: "For outpatients." }, by(w.lead));
      const audit = by(w.lead);
      await setObjectiveRetired(t.db, w.trust.id, id, true, audit);
      return { audit, expected: { action: "objective.retired", targetType: "objective", targetId: id, trustId: w.trust.id } };
    },
  },
  {
    change: "a trainee applies",
    run: async (w) => {
      const audit = by(w.trainee);
      const result = await applyForOpportunity(t.db, w.trainee.id, { opportunityId: w.opportunityId, statement: "I would like to learn how the board works.", confidentiality: false }, today, audit);
      if (!result.ok) throw new Error("refused");
      return { audit, expected: { action: "application.submitted", targetType: "application", targetId: result.applicationId, traineeId: w.trainee.id, trustId: w.trust.id } };
    },
  },
  {
    change: "a trust lead offers a place",
    run: async (w) => {
      const id = await applied(w);
      const audit = by(w.lead);
      expect((await transitionApplication(t.db, actor(w.lead), id, "offer", { today }, audit)).ok).toBe(true);
      return { audit, expected: { action: "application.offered", targetType: "application", targetId: id, traineeId: w.trainee.id, trustId: w.trust.id } };
    },
  },
  {
    change: "a DME approves a placement",
    run: async (w) => {
      const id = await offered(w);
      const audit = by(w.dme);
      expect((await transitionApplication(t.db, actor(w.dme), id, "approve", { today }, audit)).ok).toBe(true);
      return { audit, expected: { action: "application.approved", targetType: "application", targetId: id, traineeId: w.trainee.id, trustId: w.trust.id } };
    },
  },
  {
    change: "a trainee withdraws, and the freed seat goes to the waiting list (the promotion's row, under the same request)",
    run: async (w) => {
      const first = await offered(w);
      const second = await makeTrainee(t.db);
      const waiting = await applied(w, second.id);
      expect((await transitionApplication(t.db, actor(w.lead), waiting, "waitlist", { today })).ok).toBe(true);
      const audit = by(w.trainee);
      expect((await transitionApplication(t.db, actor(w.trainee), first, "withdraw", { today }, audit)).ok).toBe(true);
      const [withdrawn] = await rowsOf(audit, "application.withdrawn");
      expect(withdrawn).toMatchObject({ targetId: first, traineeId: w.trainee.id });
      return { audit, expected: { action: "application.promoted", targetType: "application", targetId: waiting, traineeId: second.id, trustId: w.trust.id } };
    },
  },
  {
    change: "a trust lead creates a round",
    run: async (w) => {
      const later = await makeOpportunity(t.db, w.trust.id, LATER);
      const audit = by(w.lead);
      const result = await createRound(t.db, actor(w.lead), roundInput([later]), new Date(), audit);
      if (!result.ok) throw new Error(JSON.stringify(result));
      return { audit, expected: { action: "round.created", targetType: "round", targetId: result.id, trustId: w.trust.id } };
    },
  },
  {
    change: "a trust lead edits a round not yet open",
    run: async (w) => {
      const later = await makeOpportunity(t.db, w.trust.id, LATER);
      const created = await createRound(t.db, actor(w.lead), roundInput([later]));
      if (!created.ok) throw new Error("refused");
      const audit = by(w.lead);
      expect((await updateRound(t.db, actor(w.lead), created.id, { ...roundInput([later]), maxChoices: 3 }, new Date(), audit)).ok).toBe(true);
      return { audit, expected: { action: "round.edited", targetType: "round", targetId: created.id, trustId: w.trust.id } };
    },
  },
  {
    change: "an admin cancels a round",
    run: async (w) => {
      const round = await makeRound(t.db, { opportunityIds: [w.opportunityId] });
      const audit = by(w.admin);
      expect((await cancelRound(t.db, actor(w.admin), round.id, new Date(), audit)).ok).toBe(true);
      return { audit, expected: { action: "round.cancelled", targetType: "round", targetId: round.id } };
    },
  },
  {
    change: "a trust lead declines a trainee's choice in a round",
    run: async (w) => {
      const round = await makeRound(t.db, { opportunityIds: [w.opportunityId] });
      await makeRoundChoice(t.db, { roundId: round.id, traineeId: w.trainee.id, opportunityId: w.opportunityId });
      const audit = by(w.lead);
      const result = await declineChoice(t.db, actor(w.lead), round.id, { traineeId: w.trainee.id, opportunityId: w.opportunityId, reason: "Not this year" }, new Date(), audit);
      expect(result.ok).toBe(true);
      return { audit, expected: { action: "round.choice_declined", targetType: "round", targetId: round.id, traineeId: w.trainee.id, trustId: w.trust.id } };
    },
  },
  {
    change: "an admin closes and allocates a round (the round's row; each new application has its own)",
    run: async (w) => {
      const round = await makeRound(t.db, { opportunityIds: [w.opportunityId] });
      await makeRoundChoice(t.db, { roundId: round.id, traineeId: w.trainee.id, opportunityId: w.opportunityId });
      const audit = by(w.admin);
      expect((await closeRound(t.db, round.id, { actor: w.admin, now: new Date(), audit })).ok).toBe(true);
      const [offer] = await rowsOf(audit, "application.offered");
      expect(offer).toMatchObject({ traineeId: w.trainee.id, trustId: w.trust.id, targetType: "application" });
      return { audit, expected: { action: "round.closed", targetType: "round", targetId: round.id } };
    },
  },
  {
    change: "an admin uploads a rotation file",
    run: async (w) => {
      const audit = by(w.admin);
      const { id } = await createImportPreview(t.db, importerOf(w.admin), await upload(csvOf([importRow()])), { audit });
      return { audit, expected: { action: "import.uploaded", targetType: "import", targetId: id } };
    },
  },
  {
    change: "an admin confirms a rotation import",
    run: async (w) => {
      const { id } = await createImportPreview(t.db, importerOf(w.admin), await upload(csvOf([importRow()])));
      const audit = by(w.admin);
      expect((await confirmImport(t.db, importerOf(w.admin), id, { origin: TEST_ORIGIN, audit })).ok).toBe(true);
      return { audit, expected: { action: "import.confirmed", targetType: "import", targetId: id } };
    },
  },
  {
    change: "a DME discards a rotation import",
    run: async (w) => {
      const { id } = await createImportPreview(t.db, importerOf(w.dme), await upload(csvOf([importRow()])));
      const audit = by(w.dme);
      expect(await cancelImport(t.db, importerOf(w.dme), id, audit)).toBe(true);
      return { audit, expected: { action: "import.discarded", targetType: "import", targetId: id, trustId: w.trust.id } };
    },
  },
  {
    change: "an admin invites a member of staff",
    run: async (w) => {
      const audit = by(w.admin);
      const result = await inviteStaff(t.db, { name: "Dr New Lead", email: "new.lead@example.nhs.uk", role: "trust_lead", trustId: w.trust.id }, { invitedBy: w.admin.id, baseUrl: TEST_ORIGIN, audit });
      if (!result.ok) throw new Error("refused");
      return { audit, expected: { action: "invitation.created", targetType: "invitation", targetId: result.invitationId, trustId: w.trust.id } };
    },
  },
  {
    change: "an invited member of staff accepts (the new account is the actor)",
    run: async (w) => {
      const invited = await inviteStaff(t.db, { name: "Dr New Dme", email: "new.dme@example.nhs.uk", role: "dme", trustId: w.trust.id }, { invitedBy: w.admin.id, baseUrl: TEST_ORIGIN });
      if (!invited.ok) throw new Error("refused");
      const audit = auditContext({ user: null, requestId: randomUUID() });
      const accepted = await acceptInvitation(t.db, invited.link.split("/").pop()!, { name: "Dr New Dme", password: TEST_PASSWORD }, new Date(), audit);
      if (!accepted.ok) throw new Error("refused");
      return { audit: { ...audit, actorId: accepted.userId, actorRole: "dme" }, expected: { action: "invitation.accepted", targetType: "invitation", targetId: invited.invitationId, trustId: w.trust.id } };
    },
  },
  {
    change: "an admin sends an invitation again",
    run: async (w) => {
      const invited = await inviteStaff(t.db, { name: "Dr Again", email: "again@example.nhs.uk", role: "trust_lead", trustId: w.trust.id }, { invitedBy: w.admin.id, baseUrl: TEST_ORIGIN });
      if (!invited.ok) throw new Error("refused");
      const audit = by(w.admin);
      expect(await resendInvitation(t.db, { role: "admin" }, invited.invitationId, { origin: TEST_ORIGIN, today, audit })).toBe(true);
      return { audit, expected: { action: "invitation.resent", targetType: "invitation", targetId: invited.invitationId, trustId: w.trust.id } };
    },
  },
  {
    change: "an admin cancels an invitation",
    run: async (w) => {
      const invited = await inviteStaff(t.db, { name: "Dr Wrong", email: "wrong@example.nhs.uk", role: "admin", trustId: "" }, { invitedBy: w.admin.id, baseUrl: TEST_ORIGIN });
      if (!invited.ok) throw new Error("refused");
      const audit = by(w.admin);
      expect(await cancelInvitation(t.db, { role: "admin" }, invited.invitationId, today, audit)).toBe(true);
      return { audit, expected: { action: "invitation.revoked", targetType: "invitation", targetId: invited.invitationId } };
    },
  },
  {
    change: "a trainee registers (the new account is the actor)",
    run: async () => {
      const audit = auditContext({ user: null, requestId: randomUUID() });
      const result = await registerTrainee(t.db, { name: "Dr Registered", email: "registered@example.nhs.uk", gmcNumber: "7123456", grade: "FY1", password: TEST_PASSWORD }, audit);
      if (!result.ok) throw new Error("refused");
      return { audit: { ...audit, actorId: result.userId, actorRole: "trainee" }, expected: { action: "account.registered", targetType: "user", targetId: result.userId, traineeId: result.userId } };
    },
  },
  {
    change: "a trainee changes their password",
    run: async (w) => {
      const audit = by(w.trainee);
      const result = await changeOwnPassword(t.db, { id: w.trainee.id, email: w.trainee.email, role: "trainee" }, { currentPassword: TEST_PASSWORD, newPassword: "a-new-long-password-2027", ip: "127.0.0.1" }, audit);
      expect(result.ok).toBe(true);
      return { audit, expected: { action: "account.password_changed", targetType: "user", targetId: w.trainee.id, traineeId: w.trainee.id } };
    },
  },
  {
    change: "a trust lead resets a forgotten password by the e-mailed link",
    run: async (w) => {
      const token = randomUUID();
      await t.db.insert(passwordResets).values({ userId: w.lead.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + HOUR) });
      const audit = auditContext({ user: null, requestId: randomUUID() });
      expect((await resetPassword(t.db, token, "a-new-long-password-2027", audit)).ok).toBe(true);
      return { audit: { ...audit, actorId: w.lead.id, actorRole: "trust_lead" }, expected: { action: "account.password_reset", targetType: "user", targetId: w.lead.id, traineeId: null } };
    },
  },
  {
    change: "a trainee changes their profile",
    run: async (w) => {
      const audit = by(w.trainee);
      expect(await updateProfile(t.db, w.trainee.id, { name: "Dr Trainee Renamed", grade: "CT1", specialty: "Surgery", programme: "Core Surgical Training", ltft: false }, audit)).toBe(true);
      return { audit, expected: { action: "account.profile_changed", targetType: "user", targetId: w.trainee.id, traineeId: w.trainee.id } };
    },
  },
  {
    change: "a trainee changes their equality answers",
    run: async (w) => {
      const audit = by(w.trainee);
      expect(await updateEqualityAnswers(t.db, w.trainee.id, { sex: "female", ethnicGroup: "asian", disability: "no" }, audit)).toBe(true);
      return { audit, expected: { action: "account.equality_changed", targetType: "user", targetId: w.trainee.id, traineeId: w.trainee.id } };
    },
  },
  {
    change: "a trainee adds a placement, then deletes it (the deletion's row)",
    run: async (w) => {
      const other = await makeTrust(t.db);
      const placement = { trustId: other.id, siteId: "", specialty: "Surgery", grade: "FY2" as const, startsOn: "2027-08-02", endsOn: "2028-02-01", wte: 1, placementType: "In Post" as const };
      const added = await savePlacement(t.db, w.trainee.id, placement, undefined, by(w.trainee));
      if (!added.ok) throw new Error(JSON.stringify(added));
      const audit = by(w.trainee);
      expect((await deletePlacement(t.db, w.trainee.id, added.placementId, audit)).ok).toBe(true);
      return { audit, expected: { action: "account.placement_deleted", targetType: "placement", targetId: added.placementId, traineeId: w.trainee.id, trustId: other.id } };
    },
  },
  {
    change: "a trainee changes their e-mail choices",
    run: async (w) => {
      const audit = by(w.trainee);
      await saveEmailPreferences(t.db, { id: w.trainee.id, role: "trainee" }, [], audit);
      return { audit, expected: { action: "account.email_choices_changed", targetType: "user", targetId: w.trainee.id, traineeId: w.trainee.id } };
    },
  },
  {
    change: "a trainee unsubscribes by an e-mail's link (nobody signed in)",
    run: async (w) => {
      const audit = auditContext({ user: null, requestId: randomUUID() });
      await optOut(t.db, w.trainee.id, "nudge", audit);
      return { audit: { ...audit, actorId: w.trainee.id, actorRole: "trainee" }, expected: { action: "account.unsubscribed", targetType: "user", targetId: w.trainee.id, traineeId: w.trainee.id } };
    },
  },
  {
    change: "a trainee closes their account",
    run: async (w) => {
      const audit = by(w.trainee);
      expect((await closeTraineeAccount(t.db, actor(w.trainee), { password: TEST_PASSWORD, ip: "127.0.0.1", today }, audit)).ok).toBe(true);
      return { audit, expected: { action: "account.closed", targetType: "user", targetId: w.trainee.id, traineeId: w.trainee.id } };
    },
  },
  {
    change: "an admin disables an account",
    run: async (w) => {
      const audit = by(w.admin);
      expect((await setUserDisabled(t.db, w.lead.id, true, w.admin.id, audit)).ok).toBe(true);
      return { audit, expected: { action: "user.disabled", targetType: "user", targetId: w.lead.id, traineeId: null, trustId: w.trust.id } };
    },
  },
  {
    change: "an admin corrects an imported trainee's mistyped address",
    run: async (w) => {
      const imported = await makeTrainee(t.db, { passwordHash: null });
      const audit = by(w.admin);
      expect((await correctTraineeEmail(t.db, imported.id, "corrected@example.nhs.uk", { invitedBy: w.admin.id, origin: TEST_ORIGIN, audit })).ok).toBe(true);
      return { audit, expected: { action: "user.email_corrected", targetType: "user", targetId: imported.id, traineeId: imported.id } };
    },
  },
  {
    change: "a DME nudges a trainee with nothing yet",
    run: async (w) => {
      const audit = by(w.dme);
      const result = await sendNudges(t.db, { id: w.dme.id, role: "dme", trustId: w.trust.id }, [w.trainee.id], today, audit);
      expect(result.sent).toBe(1);
      return { audit, expected: { action: "nudge.sent", targetType: "user", targetId: w.trainee.id, traineeId: w.trainee.id, trustId: w.trust.id } };
    },
  },
  {
    change: "an admin adds a trust",
    run: async (w) => {
      const audit = by(w.admin);
      const result = await createTrust(t.db, { name: "New Hospitals NHS Trust", odsCode: "RZZ", region: "London", integratedCareSystem: "North Central London", sites: ["New General"] }, audit);
      if (!result.ok) throw new Error("refused");
      return { audit, expected: { action: "trust.created", targetType: "trust", targetId: result.trustId, trustId: result.trustId } };
    },
  },
  {
    change: "an admin edits a trust",
    run: async (w) => {
      const audit = by(w.admin);
      const result = await updateTrust(t.db, w.trust.id, { name: "Audit Hospitals NHS Foundation Trust", odsCode: "RRK", region: "Midlands", integratedCareSystem: "Birmingham and Solihull", sites: [] }, audit);
      expect(result.ok).toBe(true);
      return { audit, expected: { action: "trust.edited", targetType: "trust", targetId: w.trust.id, trustId: w.trust.id } };
    },
  },
];

async function rowsOf(audit: AuditContext, action?: AuditAction) {
  const rows = await t.db.select().from(auditEvents).where(eq(auditEvents.requestId, audit.requestId!)).orderBy(auditEvents.id);
  return action ? rows.filter((r) => r.action === action) : rows;
}

/** Every name, address and typed word the fixtures hold: none may appear in any audit row. */
async function personalWords(): Promise<string[]> {
  const people = await t.db.select({ name: users.name, email: users.email }).from(users);
  const trustNames = await t.db.select({ name: trustsTable.name }).from(trustsTable);
  return [...people.flatMap((p) => [p.name, p.email]), ...trustNames.map((n) => n.name), "Ada", "Lovelace", "ada.lovelace@example.nhs.uk", "executive team works", "Not this year", "Reduce wait"];
}

describe("each change writes its audit row in its own transaction", () => {
  it.each(CHANGES.map((c) => [c.change, c] as const))("%s", async (_name, c) => {
    const w = await world();
    const { audit, expected } = await c.run(w);
    const rows = await rowsOf(audit, expected.action);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actorId: audit.actorId,
      actorRole: audit.actorRole,
      requestId: audit.requestId,
      targetType: expected.targetType,
      ...(expected.targetId !== undefined ? { targetId: expected.targetId } : {}),
      ...(expected.traineeId !== undefined ? { traineeId: expected.traineeId } : {}),
      ...(expected.trustId !== undefined ? { trustId: expected.trustId } : {}),
    });
    expect(AUDIT_ACTIONS).toContain(rows[0]!.action);
    // Ids and non-personal facts only: no name, e-mail address or typed words in any row.
    const written = JSON.stringify(await t.db.select().from(auditEvents));
    for (const word of await personalWords()) expect(written).not.toContain(word);
  });

  it("a refused change writes no row: an offer on a full opportunity, a second application", async () => {
    const w = await world();
    await offered(w);
    const other = await makeTrainee(t.db);
    const second = await applied(w, other.id);
    const audit = by(w.lead);
    expect((await transitionApplication(t.db, actor(w.lead), second, "offer", { today }, audit)).ok).toBe(false);
    const again = by(w.trainee);
    expect((await applyForOpportunity(t.db, w.trainee.id, { opportunityId: w.opportunityId, statement: "Once more, with feeling.", confidentiality: false }, today, again)).ok).toBe(false);
    expect(await rowsOf(audit)).toEqual([]);
    expect(await rowsOf(again)).toEqual([]);
  });

  it("a change and its audit row commit or roll back together: undone with the transaction it ran in, neither is left", async () => {
    const w = await world();
    const audit = by(w.lead);
    class Undo extends Error {}
    await expect(
      t.db.transaction(async (tx) => {
        // The model's own transaction becomes a savepoint of this one, which is then undone.
        expect((await changeOpportunityStatus(tx as unknown as Db, w.trust.id, w.opportunityId, "close", today, audit)).ok).toBe(true);
        expect(await tx.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.requestId, audit.requestId!))).toHaveLength(1);
        throw new Undo();
      }),
    ).rejects.toBeInstanceOf(Undo);
    expect(await rowsOf(audit)).toEqual([]);
    const [opp] = await t.db.select({ status: opportunities.status }).from(opportunities).where(eq(opportunities.id, w.opportunityId));
    expect(opp!.status).toBe("published");
  });

  it("under parallel offers for the last seats, only the offers that happened have a row, one each", async () => {
    const w = await world();
    const two = await makeOpportunity(t.db, w.trust.id, { seats: "2" });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const someone = await makeTrainee(t.db);
      const result = await applyForOpportunity(t.db, someone.id, { opportunityId: two, statement: "I would like to learn how the board works.", confidentiality: false }, today);
      if (!result.ok) throw new Error("refused");
      ids.push(result.applicationId);
    }
    // Ten connections on PostgreSQL: the offers race for the opportunity's row lock.
    const audits = ids.map(() => by(w.lead));
    const results = await Promise.all(ids.map((id, i) => transitionApplication(t.db, actor(w.lead), id, "offer", { today }, audits[i])));
    const made = results.map((r, i) => (r.ok && !r.unchanged ? audits[i]! : null)).filter((a): a is AuditContext => a !== null);
    expect(made).toHaveLength(2);
    const offeredRows = (await t.db.select().from(auditEvents).where(eq(auditEvents.action, "application.offered")));
    expect(offeredRows.map((r) => r.requestId).sort()).toEqual(made.map((a) => a.requestId).sort());
  });

  it("the table of actions knows every action the models write", async () => {
    const w = await world();
    for (const c of CHANGES.slice(0, 3)) await c.run(w);
    const actions = (await t.db.select({ action: auditEvents.action }).from(auditEvents)).map((r) => r.action);
    for (const a of actions) expect(AUDIT_ACTIONS).toContain(a);
  });
});

describe("staff opening a trainee's data is recorded, one row per trainee", () => {
  it("a DME opening an application writes one row; the trainee opening their own writes none", async () => {
    const w = await world();
    const id = await applied(w);
    const audit = by(w.dme);
    expect(await getApplicationForViewer(t.db, actor(w.dme), id, today, audit)).not.toBeNull();
    const mine = by(w.trainee);
    expect(await getApplicationForViewer(t.db, actor(w.trainee), id, today, mine)).not.toBeNull();
    expect(await rowsOf(audit)).toMatchObject([{ action: "application.viewed", targetType: "application", targetId: id, traineeId: w.trainee.id, trustId: w.trust.id, actorId: w.dme.id, actorRole: "dme" }]);
    expect(await rowsOf(mine)).toEqual([]);
  });

  it("another trust's DME, refused the application, writes nothing", async () => {
    const w = await world();
    const id = await applied(w);
    const elsewhere = await makeTrust(t.db);
    const stranger = await makeUser(t.db, { role: "dme", trustId: elsewhere.id });
    const audit = by(stranger);
    expect(await getApplicationForViewer(t.db, actor(stranger), id, today, audit)).toBeNull();
    expect(await rowsOf(audit)).toEqual([]);
  });

  it("the applicants list writes one row per trainee shown", async () => {
    const w = await world();
    const others = [await makeTrainee(t.db), await makeTrainee(t.db)];
    await applied(w);
    for (const o of others) await applied(w, o.id);
    const audit = by(w.lead);
    const list = await listApplicants(t.db, w.trust.id, w.opportunityId, today, audit);
    expect(list?.applicants).toHaveLength(3);
    const rows = await rowsOf(audit);
    expect(rows.map((r) => r.action)).toEqual(["applicants.viewed", "applicants.viewed", "applicants.viewed"]);
    expect(rows.map((r) => r.traineeId).sort()).toEqual([w.trainee.id, ...others.map((o) => o.id)].sort());
  });

  it("an admin opening a trainee's account page writes one row; a member of staff's page none", async () => {
    const w = await world();
    const audit = by(w.admin);
    await getUserForAdmin(t.db, w.trainee.id, audit);
    await getUserForAdmin(t.db, w.lead.id, audit);
    expect(await rowsOf(audit)).toMatchObject([{ action: "profile.viewed", targetId: w.trainee.id, traineeId: w.trainee.id, actorRole: "admin" }]);
  });

  it("an import preview naming trainees who hold accounts writes a row for each of them", async () => {
    const w = await world();
    // The trainee's row changes their grade: the preview shows them by name, old and new.
    const gmc = await gmcOf(w.trainee.id);
    const csv = csvOf([importRow({ "GMC Number": gmc, Forenames: "Dr Trainee", Surname: "Auditable", Email: "trainee.auditable@example.nhs.uk", Grade: "CT1", "Date From": "2026-08-06", "Date To": "2027-08-01" })]);
    const { id } = await createImportPreview(t.db, importerOf(w.admin), await upload(csv));
    const audit = by(w.admin);
    const found = await getImport(t.db, importerOf(w.admin), id, { audit });
    expect(found?.traineeUpdateList.map((u) => u.userId)).toEqual([w.trainee.id]);
    expect(await rowsOf(audit)).toMatchObject([{ action: "import.viewed", targetType: "import", targetId: id, traineeId: w.trainee.id }]);
  });

  it("a trust lead reading a reflection the trainee shared writes one row", async () => {
    const w = await world();
    const id = await offered(w);
    const now = new Date();
    await t.db.insert(reflections).values({ applicationId: id, whatHappened: "a", soWhat: "b", nowWhat: "c", rating: 4, wouldRecommend: true, finalisedAt: now, sharedAt: now });
    const app = await getApplicationForViewer(t.db, actor(w.lead), id, today);
    const audit = by(w.lead);
    const shown = await reflectionForApplication(t.db, actor(w.lead), app!, today, audit);
    expect(shown?.kind).toBe("shared");
    expect(await rowsOf(audit)).toMatchObject([{ action: "reflection.viewed", traineeId: w.trainee.id }]);
  });
});

async function gmcOf(userId: string): Promise<string> {
  const [row] = await t.db.select({ gmc: traineeProfiles.gmcNumber }).from(traineeProfiles).where(eq(traineeProfiles.userId, userId));
  return row!.gmc!;
}

describe("the admin's search of the audit trail", () => {
  async function trail() {
    const w = await world();
    const otherTrust = await makeTrust(t.db, { name: "Elsewhere NHS Trust" });
    const otherLead = await makeUser(t.db, { role: "trust_lead", trustId: otherTrust.id, name: "Mr Other Lead", email: "other.lead@example.nhs.uk" });
    const otherOpportunity = await makeOpportunity(t.db, otherTrust.id);
    const id = await applied(w);
    await getApplicationForViewer(t.db, actor(w.dme), id, today, by(w.dme));
    await changeOpportunityStatus(t.db, otherTrust.id, otherOpportunity, "close", today, by(otherLead));
    return { ...w, otherTrust, otherLead, applicationId: id };
  }

  it("finds by the member of staff's e-mail address or name, by the trainee's address, and by trust", async () => {
    const w = await trail();
    const byDme = await searchAuditEvents(t.db, { person: "dme.auditable@" });
    expect(byDme.events.map((e) => e.action)).toEqual(["application.viewed"]);
    expect(byDme.events[0]).toMatchObject({ actorName: "Dr Dme Auditable", traineeName: "Dr Trainee Auditable", trustName: "Audit Hospitals NHS Trust" });
    expect((await searchAuditEvents(t.db, { person: "other lead" })).events.map((e) => e.action)).toEqual(["opportunity.closed"]);
    expect((await searchAuditEvents(t.db, { trainee: "TRAINEE.AUDITABLE" })).events.map((e) => e.action).sort()).toEqual(["application.submitted", "application.viewed"]);
    // The other trust's opportunity: made (by the test's factory, as the service) and closed by its lead.
    expect((await searchAuditEvents(t.db, { trustId: w.otherTrust.id })).events.map((e) => e.action)).toEqual(["opportunity.closed", "opportunity.created"]);
    // A % or _ typed is a character, not a wildcard.
    expect((await searchAuditEvents(t.db, { person: "%" })).total).toBe(0);
  });

  it("finds by London dates, inclusive, and pages 50 at a time, newest first", async () => {
    const w = await trail();
    const base = Date.UTC(2026, 5, 30, 23, 30); // 00:30 on 1 July in London (BST)
    await t.db.insert(auditEvents).values(
      Array.from({ length: 55 }, (_, i) => ({ at: new Date(base + i * 60_000), action: "application.viewed", targetType: "application", actorId: w.dme.id, actorRole: "dme" as const, traineeId: w.trainee.id })),
    );
    expect((await searchAuditEvents(t.db, { from: "2026-07-01", to: "2026-07-01" })).total).toBe(55);
    expect((await searchAuditEvents(t.db, { from: "2026-06-30", to: "2026-06-30" })).total).toBe(0);
    const first = await searchAuditEvents(t.db, { from: "2026-07-01", to: "2026-07-01" });
    const second = await searchAuditEvents(t.db, { from: "2026-07-01", to: "2026-07-01", page: 2 });
    expect(first.events).toHaveLength(50);
    expect(second.events).toHaveLength(5);
    expect(first.events[0]!.at.getTime()).toBe(base + 54 * 60_000);
    expect(second.events.at(-1)!.at.getTime()).toBe(base);
  });
});

describe("who has viewed my data", () => {
  it("lists each view by staff, with name, role and trust; a disabled member of staff is 'a former member of staff'", async () => {
    const w = await world();
    const id = await applied(w);
    await getApplicationForViewer(t.db, actor(w.dme), id, today, by(w.dme));
    await getApplicationForViewer(t.db, actor(w.trainee), id, today, by(w.trainee));
    await listApplicants(t.db, w.trust.id, w.opportunityId, today, by(w.lead));
    await setUserDisabled(t.db, w.lead.id, true, w.admin.id, by(w.admin));
    const views = await listViewsOfTrainee(t.db, w.trainee.id);
    expect(views.map((v) => [v.viewer, v.role, v.trust, v.action])).toEqual([
      ["Dr Dme Auditable", "dme", "Audit Hospitals NHS Trust", "application.viewed"],
      [FORMER_STAFF, "trust_lead", "Audit Hospitals NHS Trust", "applicants.viewed"],
    ]);
    const exported = await exportTraineeData(t.db, w.trainee.id);
    expect(exported?.viewedBy).toMatchObject([
      { viewer: "Dr Dme Auditable", role: "Director of medical education", trust: "Audit Hospitals NHS Trust", what: "An application of yours" },
      { viewer: FORMER_STAFF, role: "Trust lead", trust: "Audit Hospitals NHS Trust", what: "A list of applicants that included you" },
    ]);
    // Another trainee's views are not in it.
    const other = await makeTrainee(t.db);
    expect((await exportTraineeData(t.db, other.id))?.viewedBy).toEqual([]);
  });
});
