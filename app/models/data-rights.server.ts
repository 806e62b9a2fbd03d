// A trainee's data rights: a copy of everything the service holds about them, and closing
// the account (withdraw, anonymise, sign out everywhere) while keeping the counts reports need.
import { randomUUID } from "node:crypto";

import { and, asc, count, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";

import type { Db, DbOrTx } from "@db/client";
import {
  allocationRounds,
  applicationEvents,
  applications,
  completionSignoffs,
  emailOptOuts,
  emailOutbox,
  invitations,
  loginAttempts,
  placementImportRows,
  placementImports,
  notifications,
  nudges,
  opportunities,
  placements,
  reflections,
  roundPreferences,
  savedOpportunities,
  sites,
  traineeProfiles,
  trusts,
  oidcSignInStates,
  userIdentities,
  users,
} from "@db/schema";

import { checkPasswordThrottled, endAllSessions, FAILED_SIGN_IN_WINDOW_MINUTES, type SessionUser } from "~/auth.server";
import type { FieldErrors } from "~/utils/forms";

import { isOpenApplication } from "./applications.rules";
import { transitionApplication } from "./applications.server";
import { listAllNotifications } from "./notifications.server";
import { reflectionColumns } from "./reflections.server";
import { auditBy, listViewsOfTrainee, recordAudit, type AuditContext } from "./audit.server";
import { AUDIT_VIEW_WORDS } from "./audit-actions";
import { ROLE_LABELS } from "./domain";

// ---------------------------------------------------------------------------------------
// Download my data
// ---------------------------------------------------------------------------------------

/**
 * Rows kept from rotation imports (the invalid ones, for their download) whose cells name
 * the trainee by GMC number or e-mail address.
 */
function importRowsNaming(person: { gmcNumber: string | null; email: string }) {
  return sql`exists (select 1 from unnest(${placementImportRows.cells}) as cell where cell = ${person.gmcNumber ?? ""} or lower(cell) = ${person.email.toLowerCase()})`;
}

/**
 * Everything held about the trainee, and nothing about anyone else: staff who acted on an
 * application appear by role only, never by name or e-mail address. The password hash and
 * the calendar secret are credentials, not information about the person, so they are left out.
 */
export async function exportTraineeData(db: Db, userId: string, now: Date = new Date()) {
  const [profile] = await db
    .select({
      id: users.id,
      name: users.name,
      email: users.email,
      role: users.role,
      createdAt: users.createdAt,
      updatedAt: users.updatedAt,
      passwordChangedAt: users.passwordChangedAt,
      disabledAt: users.disabledAt,
      hasCalendarFeed: sql<boolean>`${users.calendarToken} is not null`,
      gmcNumber: traineeProfiles.gmcNumber,
      grade: traineeProfiles.grade,
      specialty: traineeProfiles.specialty,
      programme: traineeProfiles.programme,
      region: traineeProfiles.region,
      ltft: traineeProfiles.ltft,
      // The voluntary equality answers (null = not answered): theirs to see, never staff's.
      sex: traineeProfiles.sex,
      ethnicGroup: traineeProfiles.ethnicGroup,
      disability: traineeProfiles.disability,
      anonymisedAt: traineeProfiles.anonymisedAt,
      profileUpdatedAt: traineeProfiles.updatedAt,
    })
    .from(users)
    .leftJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
    .where(eq(users.id, userId));
  if (!profile) return null;

  const [placementRows, applicationRows, notificationRows, attemptRows, invitationRows, preferenceRows, importRows] = await Promise.all([
    db
      .select({
        id: placements.id,
        trustName: trusts.name,
        trustOdsCode: trusts.odsCode,
        siteName: sql<string>`coalesce(${sites.name}, ${placements.siteName})`,
        specialty: placements.specialty,
        grade: placements.grade,
        startsOn: placements.startsOn,
        endsOn: placements.endsOn,
        wte: placements.wte,
        placementType: placements.placementType,
        source: placements.source,
        createdAt: placements.createdAt,
        updatedAt: placements.updatedAt,
      })
      .from(placements)
      .innerJoin(trusts, eq(trusts.id, placements.trustId))
      .leftJoin(sites, eq(sites.id, placements.siteId))
      .where(eq(placements.traineeId, userId))
      .orderBy(asc(placements.startsOn)),
    db
      .select({
        id: applications.id,
        status: applications.status,
        statement: applications.statement,
        confidentialityAcceptedAt: applications.confidentialityAcceptedAt,
        createdAt: applications.createdAt,
        updatedAt: applications.updatedAt,
        opportunityId: opportunities.id,
        opportunityTitle: opportunities.title,
        opportunityType: opportunities.type,
        opportunityStartsOn: opportunities.startsOn,
        opportunityEndsOn: opportunities.endsOn,
        trustName: trusts.name,
      })
      .from(applications)
      .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
      .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
      .where(eq(applications.traineeId, userId))
      .orderBy(asc(applications.createdAt), asc(applications.id)),
    listAllNotifications(db, userId).then((rows) => rows.reverse().map(({ id: _, ...n }) => n)),
    db
      .select({ at: loginAttempts.createdAt, ipAddress: loginAttempts.ip, succeeded: loginAttempts.succeeded })
      .from(loginAttempts)
      .where(eq(loginAttempts.email, profile.email))
      .orderBy(asc(loginAttempts.createdAt)),
    db
      .select({ createdAt: invitations.createdAt, expiresAt: invitations.expiresAt, usedAt: invitations.usedAt })
      .from(invitations)
      .where(or(eq(invitations.userId, userId), eq(invitations.email, profile.email)))
      .orderBy(asc(invitations.createdAt)),
    db
      .select({
        round: allocationRounds.name,
        opportunityTitle: opportunities.title,
        rank: roundPreferences.rank,
        statement: roundPreferences.statement,
        declinedAt: roundPreferences.declinedAt,
        declineReason: roundPreferences.declineReason,
        createdAt: roundPreferences.createdAt,
      })
      .from(roundPreferences)
      .innerJoin(allocationRounds, eq(allocationRounds.id, roundPreferences.roundId))
      .innerJoin(opportunities, eq(opportunities.id, roundPreferences.opportunityId))
      .where(eq(roundPreferences.traineeId, userId))
      .orderBy(asc(allocationRounds.createdAt), asc(roundPreferences.rank)),
    db
      .select({ importedAt: placementImports.createdAt, fileName: placementImports.fileName, line: placementImportRows.line, cells: placementImportRows.cells, errors: placementImportRows.errors })
      .from(placementImportRows)
      .innerJoin(placementImports, eq(placementImports.id, placementImportRows.importId))
      .where(importRowsNaming(profile))
      .orderBy(asc(placementImports.createdAt), asc(placementImportRows.line)),
  ]);

  const applicationIds = applicationRows.map((a) => a.id);
  const [eventRows, reflectionRows, signoffRows] = applicationIds.length
    ? await Promise.all([
        db
          .select({
            applicationId: applicationEvents.applicationId,
            actorId: applicationEvents.actorId,
            actorRole: users.role,
            fromStatus: applicationEvents.fromStatus,
            toStatus: applicationEvents.toStatus,
            reason: applicationEvents.reason,
            at: applicationEvents.createdAt,
          })
          .from(applicationEvents)
          .leftJoin(users, eq(users.id, applicationEvents.actorId))
          .where(inArray(applicationEvents.applicationId, applicationIds))
          .orderBy(asc(applicationEvents.createdAt), asc(applicationEvents.id)),
        db
          .select({
            applicationId: reflections.applicationId,
            ...reflectionColumns,
            createdAt: reflections.createdAt,
          })
          .from(reflections)
          .where(inArray(reflections.applicationId, applicationIds)),
        db
          .select({
            applicationId: completionSignoffs.applicationId,
            outcome: completionSignoffs.outcome,
            sponsorFeedback: completionSignoffs.sponsorFeedback,
            // The sponsor's structured feedback at a completed sign-off.
            observedDimensions: completionSignoffs.observedDimensions,
            strengths: completionSignoffs.strengths,
            nextStep: completionSignoffs.nextStep,
            signedOffAt: completionSignoffs.createdAt,
          })
          .from(completionSignoffs)
          .where(inArray(completionSignoffs.applicationId, applicationIds)),
      ])
    : [[], [], []];

  // The leadership journey's rows about them: the shortlist, the nudges they were sent (by the
  // trust; who sent one is a member of its staff, not named) and the e-mail kinds they turned off.
  const [savedRows, nudgeRows, optOutRows, viewRows, identityRows] = await Promise.all([
    db
      .select({ opportunityTitle: opportunities.title, trustName: trusts.name, savedAt: savedOpportunities.createdAt })
      .from(savedOpportunities)
      .innerJoin(opportunities, eq(opportunities.id, savedOpportunities.opportunityId))
      .innerJoin(trusts, eq(trusts.id, opportunities.trustId))
      .where(eq(savedOpportunities.traineeId, userId))
      .orderBy(asc(savedOpportunities.createdAt)),
    db
      .select({ trustName: trusts.name, sentAt: nudges.createdAt })
      .from(nudges)
      .innerJoin(trusts, eq(trusts.id, nudges.trustId))
      .where(eq(nudges.traineeId, userId))
      .orderBy(asc(nudges.createdAt)),
    db.select({ kind: emailOptOuts.kind }).from(emailOptOuts).where(eq(emailOptOuts.userId, userId)).orderBy(asc(emailOptOuts.kind)),
    listViewsOfTrainee(db, userId),
    // An NHS CIS2 identity linked to the account: the provider, its subject and when it was used.
    db
      .select({ provider: userIdentities.issuer, subject: userIdentities.subject, linkedAt: userIdentities.linkedAt, lastSignInAt: userIdentities.lastSignInAt })
      .from(userIdentities)
      .where(eq(userIdentities.userId, userId)),
  ]);

  const actorLabel = (e: (typeof eventRows)[number]) => {
    if (e.actorId === userId) return "You";
    if (!e.actorId || !e.actorRole) return "Invitational";
    return ROLE_LABELS[e.actorRole];
  };
  const { hasCalendarFeed, profileUpdatedAt, ...user } = profile;

  return {
    about:
      "Everything Invitational holds about you. People who acted on your applications are shown by their role only; the staff who opened your data are named in viewedBy (a former member of staff is no longer named). Your password and calendar link are not included: they are kept only as secrets.",
    exportedAt: now.toISOString(),
    profile: { ...user, profileUpdatedAt, calendarFeed: hasCalendarFeed ? "set up" : "not set up" },
    placements: placementRows.map((p) => ({ ...p, source: p.source === "import" ? "training-information system" : "added by you" })),
    applications: applicationRows.map(({ opportunityId, opportunityTitle, opportunityType, opportunityStartsOn, opportunityEndsOn, trustName, ...a }) => {
      const reflection = reflectionRows.find((r) => r.applicationId === a.id);
      const signoff = signoffRows.find((s) => s.applicationId === a.id);
      return {
        ...a,
        opportunity: { id: opportunityId, title: opportunityTitle, type: opportunityType, trustName, startsOn: opportunityStartsOn, endsOn: opportunityEndsOn },
        history: eventRows
          .filter((e) => e.applicationId === a.id)
          .map((e) => ({ at: e.at, from: e.fromStatus, to: e.toStatus, by: actorLabel(e), reason: e.reason })),
        reflection: reflection ? (({ applicationId: _, ...r }) => r)(reflection) : null,
        completionSignOff: signoff ? (({ applicationId: _, ...s }) => s)(signoff) : null,
      };
    }),
    notifications: notificationRows,
    signInAttempts: attemptRows,
    invitations: invitationRows,
    allocationPreferences: preferenceRows,
    savedForLater: savedRows,
    nudgesReceived: nudgeRows,
    emailsTurnedOff: optOutRows.map((r) => r.kind),
    nhsCis2: identityRows,
    viewedBy: viewRows.map((r) => ({ at: r.at, viewer: r.viewer, role: r.role ? ROLE_LABELS[r.role] : null, trust: r.trust, what: AUDIT_VIEW_WORDS[r.action] ?? r.action })),
    rotationFileRows: importRows.map(({ errors, ...row }) => ({ ...row, problems: (errors ?? []).map((e) => `${e.column}: ${e.reason}`) })),
  };
}

export type TraineeDataExport = NonNullable<Awaited<ReturnType<typeof exportTraineeData>>>;

// ---------------------------------------------------------------------------------------
// Close my account
// ---------------------------------------------------------------------------------------

export const CLOSED_NAME = "Closed account";
export const CLOSURE_REASON = "The trainee closed their Invitational account";
export const WRONG_PASSWORD = "Your password is not correct. Enter the password you use to sign in";
export const TOO_MANY_PASSWORD_ATTEMPTS = `Too many wrong passwords. Wait ${FAILED_SIGN_IN_WINDOW_MINUTES} minutes, then try again`;

export type CloseResult =
  | { ok: true; withdrawn: number; promoted: string[] }
  | { ok: false; status: 400 | 404 | 429; fieldErrors: FieldErrors };

class OpenApplicationsAppeared extends Error {}

/**
 * Closes a trainee's account after checking their password.
 *
 * Order, and why: transitionApplication owns its transaction (it locks the opportunity row
 * first, writes the event and the notifications, and offers a freed seat to the waiting
 * list), so each open application is withdrawn through it, one after another, BEFORE the
 * single anonymising transaction, rather than nesting it there. Each withdrawal is correct
 * and complete on its own and running it again does nothing, so if anything fails part-way
 * the trainee still has a working account and closing again finishes the job. The
 * anonymising transaction then checks, with the trainee's applications locked, that none
 * is open any more (an application sent from another tab in between): if one is, it rolls
 * back and the withdrawals run again.
 */
export async function closeTraineeAccount(
  db: Db,
  actor: Pick<SessionUser, "id" | "role" | "trustId">,
  input: { password: string; ip: string; today: string },
  audit?: AuditContext,
): Promise<CloseResult> {
  const by = auditBy(audit, actor);
  const [user] = await db
    .select({ email: users.email, anonymisedAt: traineeProfiles.anonymisedAt })
    .from(users)
    .innerJoin(traineeProfiles, eq(traineeProfiles.userId, users.id))
    .where(and(eq(users.id, actor.id), isNull(users.disabledAt)));
  if (!user || user.anonymisedAt) return { ok: false, status: 404, fieldErrors: {} };

  // The password form is throttled with sign-in (one limit), so a borrowed session cannot guess it.
  const check = await checkPasswordThrottled(db, { kind: "password_check", email: user.email, password: input.password, ip: input.ip });
  if (!check.ok) {
    return check.reason === "throttled"
      ? { ok: false, status: 429, fieldErrors: { password: TOO_MANY_PASSWORD_ATTEMPTS } }
      : { ok: false, status: 400, fieldErrors: { password: WRONG_PASSWORD } };
  }

  let withdrawn = 0;
  const promoted: string[] = [];
  for (let attempt = 1; ; attempt++) {
    // Only open applications: an ended opportunity's outcome (approved, even) stays as it is.
    const open = (await applicationsWithEnd(db, actor.id)).filter((a) => isOpenApplication(a.status, a.endsOn, input.today));
    for (const app of open) {
      const result = await transitionApplication(db, actor, app.id, "withdraw", { reason: CLOSURE_REASON, today: input.today }, by);
      if (!result.ok) {
        // Another change won the race (the trust declined it a moment ago): nothing left to free.
        continue;
      }
      if (!result.unchanged) withdrawn++;
      promoted.push(...result.promoted);
    }
    try {
      await anonymise(db, actor.id, user.email, input.today, by);
      return { ok: true, withdrawn, promoted };
    } catch (error) {
      if (error instanceof OpenApplicationsAppeared && attempt < 3) continue;
      throw error;
    }
  }
}

/** The trainee's applications with their opportunity's last day, oldest first. */
function applicationsWithEnd(db: DbOrTx, traineeId: string) {
  return db
    .select({ id: applications.id, status: applications.status, endsOn: opportunities.endsOn })
    .from(applications)
    .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
    .where(eq(applications.traineeId, traineeId))
    .orderBy(asc(applications.createdAt), asc(applications.id));
}

/** One transaction: every personal detail goes, the rows that reports count stay. */
async function anonymise(db: Db, userId: string, email: string, today: string, by: AuditContext): Promise<void> {
  await db.transaction(async (tx) => {
    const now = new Date();
    // FOR NO KEY UPDATE: the row is changed but its key is not, so inserts that merely
    // reference the user (a notification, an event) are not blocked.
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("no key update");
    // The same test as the withdrawals above, with the applications (not their opportunities) locked.
    const mine = await applicationsWithEnd(tx, userId).for("update", { of: applications });
    if (mine.some((a) => isOpenApplication(a.status, a.endsOn, today))) throw new OpenApplicationsAppeared();
    const ids = mine.map((a) => a.id);

    await tx
      .update(users)
      .set({
        name: CLOSED_NAME,
        email: `closed-${randomUUID()}@closed.invalid`,
        passwordHash: null,
        passwordChangedAt: null,
        calendarToken: null,
        disabledAt: now,
        updatedAt: now,
      })
      .where(eq(users.id, userId));
    // Grade, region and LTFT stay for the regional counts; the equality answers go (the
    // trainee gave them, so closing takes them back); the GMC number may be null only
    // once anonymised_at is set (trainee_profiles_gmc_unless_anonymised).
    const [held] = await tx.select({ gmc: traineeProfiles.gmcNumber }).from(traineeProfiles).where(eq(traineeProfiles.userId, userId));
    // Invalid rows kept from rotation imports (for their download) may name the trainee: they go too.
    await tx.delete(placementImportRows).where(importRowsNaming({ gmcNumber: held?.gmc ?? null, email }));
    await tx
      .update(traineeProfiles)
      .set({ gmcNumber: null, specialty: "", programme: "", sex: null, ethnicGroup: null, disability: null, anonymisedAt: now, updatedAt: now })
      .where(eq(traineeProfiles.userId, userId));
    // Placements (trust, site, dates, grade, WTE) stay as they are: they say where a post
    // was, not who held it, and rotations are counted from them.
    if (ids.length) {
      // Statuses and the history of events stay; what people wrote about the trainee goes.
      await tx.update(applications).set({ statement: "", updatedAt: now }).where(inArray(applications.id, ids));
      await tx
        .update(applicationEvents)
        .set({ reason: null })
        .where(and(inArray(applicationEvents.applicationId, ids), ne(applicationEvents.reason, CLOSURE_REASON)));
      await tx.update(reflections).set({ whatHappened: "", soWhat: "", nowWhat: "", sharedAt: null, updatedAt: now }).where(inArray(reflections.applicationId, ids));
      await tx.update(completionSignoffs).set({ sponsorFeedback: "", strengths: "", nextStep: "" }).where(inArray(completionSignoffs.applicationId, ids));
    }
    // The shortlist and e-mail choices were only for the account's own use: they go with it.
    await tx.delete(savedOpportunities).where(eq(savedOpportunities.traineeId, userId));
    await tx.delete(emailOptOuts).where(eq(emailOptOuts.userId, userId));
    // Preferences in a round not yet allocated would give a closed account a seat.
    await tx
      .delete(roundPreferences)
      .where(
        and(
          eq(roundPreferences.traineeId, userId),
          sql`${roundPreferences.roundId} in (select ${allocationRounds.id} from ${allocationRounds} where ${allocationRounds.status} <> 'allocated')`,
        ),
      );
    // An allocated round's choices stay in its record by id only; what the trainee wrote goes.
    await tx.update(roundPreferences).set({ statement: "", updatedAt: now }).where(eq(roundPreferences.traineeId, userId));
    await tx.delete(notifications).where(eq(notifications.userId, userId));
    await tx.delete(loginAttempts).where(eq(loginAttempts.email, email));
    await tx.delete(invitations).where(or(eq(invitations.userId, userId), eq(invitations.email, email)));
    // Mail not yet sent to the trainee goes; mail to staff about their applications is worded
    // when sent, and by then names nobody.
    await tx.delete(emailOutbox).where(or(eq(emailOutbox.recipientId, userId), eq(emailOutbox.toAddress, email)));
    // A linked NHS CIS2 identity would let its holder sign in to the closed account, and it is
    // personal data: it goes, with any CIS2 sign-in still under way for the account.
    await tx.delete(userIdentities).where(eq(userIdentities.userId, userId));
    await tx.delete(oidcSignInStates).where(eq(oidcSignInStates.userId, userId));
    await endAllSessions(tx, userId);
    // The audit trail keeps the account's id (it names nobody once the account is anonymised).
    await recordAudit(tx, by, { action: "account.closed", targetType: "user", targetId: userId, traineeId: userId, details: { applications: ids.length } });
  });
}
