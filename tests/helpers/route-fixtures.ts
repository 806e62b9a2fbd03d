// The rows the authorisation matrix (and any test that needs a concrete address for every page)
// opens: two trusts, and at each one a trainee, a trust lead and a DME, so that every row exists
// in four relations to the signed-in people: their own trust, another trust, the trainee's own
// row and another trainee's row. "Own" is always trust A and trainee A; "other" trust B and
// trainee B. Written straight into a database before a server is started on it.
import { randomBytes } from "node:crypto";

import { eq } from "drizzle-orm";

import { createUserSession } from "../../app/auth.server";
import { getOrCreateCalendarToken } from "../../app/models/calendar.server";
import { unsubscribeToken } from "../../app/models/email-preferences.server";
import { closeRound } from "../../app/models/round-close.server";
import { hashToken } from "../../app/models/users.server";
import { openDatabase, setDatabase, type Db } from "../../db/client";
import {
  applicationEvents,
  applications,
  invitations,
  notifications,
  objectives,
  opportunities,
  passwordResets,
  placementImportRows,
  placementImports,
} from "../../db/schema";
import { makeOpportunity, makePlacement, makeRound, makeTrainee, makeTrust, makeUser } from "./factories";
import { scratchDatabase, startServer, type RunningServer } from "./server";

export const SIGNED_IN = ["trainee", "trust_lead", "dme", "admin"] as const;
export type SignedIn = (typeof SIGNED_IN)[number];
export const VIEWERS = ["anonymous", ...SIGNED_IN] as const;
export type Viewer = (typeof VIEWERS)[number];

/** A well-formed id no row has: a page for it is "not found" for everyone allowed the page. */
export const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

export interface OwnOther {
  own: string;
  other: string;
}

export interface RouteFixtures {
  trusts: OwnOther;
  /** The trusts' ODS codes, which the reports take as their scope. */
  odsCodes: OwnOther;
  /** The signed-in people (trainee, trust lead and DME at the own trust, an admin) and their counterparts. */
  users: Record<SignedIn, string> & { otherTrainee: string; otherLead: string; otherDme: string; elsewhere: string };
  /**
   * A trainee placed at trust B with one application there and nothing to do with trust A
   * (trainee B also applied at trust A, so trust A's staff may see B's name): no page trust A's
   * staff open may show this name, whatever id an address or a form carries.
   */
  elsewhere: { name: string; applicationId: string };
  objectives: OwnOther;
  /** A site of each trust. */
  sites: OwnOther;
  /** Published opportunities at each trust, their drafts, and ones that have ended. */
  opportunities: OwnOther & { ownDraft: string; otherDraft: string; /** Published and in no round, at each trust. */ ownNotInRound: string; otherNotInRound: string };
  applications: {
    /** Trainee A's application at trust A: the trainee's own row at the staff's own trust. */
    ownAtOwnTrust: string;
    /** Trainee B's application at trust A: another trainee's row at the staff's own trust. */
    otherAtOwnTrust: string;
    /** Trainee A's application at trust B: the trainee's own row at another trust. */
    ownAtOtherTrust: string;
    /** Trainee B's application at trust B: another trainee's row at another trust. */
    otherAtOtherTrust: string;
    /** Completed applications (reflection, evidence): trainee A's at trust A, trainee B's at trust B. */
    ownCompleted: string;
    otherCompleted: string;
    /** The elsewhere trainee's, at trust B. */
    elsewhere: string;
  };
  placements: OwnOther;
  /** The trusts' rounds (opening tomorrow), and: */
  rounds: OwnOther & {
    /** A round across every trust, made by an admin. */
    regional: string;
    ownAllocated: string;
    otherAllocated: string;
    /** Rounds kept for the "close now" action, which closes them. */
    ownToClose: string;
    otherToClose: string;
  };
  /** Rotation imports: a DME's at each trust, and an admin's across every trust. */
  imports: OwnOther & { admin: string };
  /** Notifications: trainee A's, trainee B's. */
  notifications: OwnOther;
  /** Trainee invitations not yet accepted, of a trainee placed at each trust. */
  invitations: OwnOther;
  tokens: { invitation: string; passwordReset: string; unsubscribe: string; calendar: string };
  /** A Cookie header value per signed-in person, for the server's production cookie name. */
  cookies: Record<SignedIn, string>;
  /** More sessions of the same people, for requests that end the session they are sent with. */
  spareCookies: Record<SignedIn, string[]>;
}

const PRODUCTION_COOKIE = "__Host-invitational_session";
const SPARE_SESSIONS = 4;
const CURRENT = { startsOn: "2026-08-05", endsOn: "2027-08-03" };
const ENDED = { startsOn: "2026-01-12", endsOn: "2026-01-30", applicationDeadline: "2026-01-05" };
const HOUR = 3_600_000;

async function cookieFor(db: Db, userId: string, cookieName: string): Promise<string> {
  const setCookie = await createUserSession(db, userId);
  const value = setCookie.split(";")[0]!.split("=").slice(1).join("=");
  return `${cookieName}=${value}`;
}

const firstEvent = new Map<string, number>();

async function apply(db: Db, traineeId: string, opportunityId: string, status: "submitted" | "completed" = "submitted") {
  const [row] = await db
    .insert(applications)
    .values({ opportunityId, traineeId, statement: "I would like to see how the board weighs safety against flow.", status })
    .returning({ id: applications.id });
  const [event] = await db
    .insert(applicationEvents)
    .values({ applicationId: row!.id, actorId: traineeId, fromStatus: null, toStatus: "submitted" })
    .returning({ id: applicationEvents.id });
  firstEvent.set(row!.id, event!.id);
  if (status === "completed") {
    await db.insert(applicationEvents).values({ applicationId: row!.id, actorId: null, fromStatus: "submitted", toStatus: "completed" });
  }
  return row!.id;
}

async function endedOpportunity(db: Db, trustId: string) {
  const id = await makeOpportunity(db, trustId, { title: "Sit in on the patient-safety panel" });
  await db.update(opportunities).set(ENDED).where(eq(opportunities.id, id));
  return id;
}

async function importAt(db: Db, trustId: string | null, importedBy: string) {
  const [row] = await db
    .insert(placementImports)
    .values({ importedBy, trustId, fileName: "rotation.csv", invalidRows: 1, status: "confirmed", confirmedAt: new Date() })
    .returning({ id: placementImports.id });
  await db.insert(placementImportRows).values({
    importId: row!.id,
    line: 2,
    cells: ["not a GMC number"],
    errors: [{ column: "gmc_number", code: "invalid", reason: "Enter a 7-digit GMC number" }],
  });
  return row!.id;
}

async function traineeInvitation(db: Db, userId: string, email: string, invitedBy: string, token = randomBytes(24).toString("base64url")) {
  const [row] = await db
    .insert(invitations)
    .values({ email, role: "trainee", tokenHash: hashToken(token), invitedBy, userId, expiresAt: new Date(Date.now() + 14 * 24 * HOUR) })
    .returning({ id: invitations.id });
  return { id: row!.id, token };
}

/**
 * Writes every row the route table's addresses name and returns their ids, tokens and session
 * cookies. `cookieName` is the name the server reads: `__Host-invitational_session` in production.
 */
export async function createRouteFixtures(db: Db, options: { cookieName?: string } = {}): Promise<RouteFixtures> {
  const cookieName = options.cookieName ?? PRODUCTION_COOKIE;
  const trustA = await makeTrust(db);
  const trustB = await makeTrust(db);
  const admin = await makeUser(db, { role: "admin" });
  const lead = await makeUser(db, { role: "trust_lead", trustId: trustA.id });
  const dme = await makeUser(db, { role: "dme", trustId: trustA.id });
  const otherLead = await makeUser(db, { role: "trust_lead", trustId: trustB.id });
  const otherDme = await makeUser(db, { role: "dme", trustId: trustB.id });
  const trainee = await makeTrainee(db);
  const otherTrainee = await makeTrainee(db);
  const elsewhere = await makeTrainee(db, { name: "Dr Cordelia Elsewhere" });
  await makePlacement(db, { traineeId: elsewhere.id, trustId: trustB.id, grade: "FY2", ...CURRENT });
  const placementA = await makePlacement(db, { traineeId: trainee.id, trustId: trustA.id, grade: "FY2", ...CURRENT });
  const placementB = await makePlacement(db, { traineeId: otherTrainee.id, trustId: trustB.id, grade: "FY2", ...CURRENT });

  const [objA] = await db.insert(objectives).values({ trustId: trustA.id, title: "Cut waits in the emergency department" }).returning();
  const [objB] = await db.insert(objectives).values({ trustId: trustB.id, title: "Fewer falls on the wards" }).returning();

  const oppA = await makeOpportunity(db, trustA.id);
  const oppB = await makeOpportunity(db, trustB.id);
  const ownNotInRound = await makeOpportunity(db, trustA.id, { title: "Join the discharge quality improvement group" });
  const otherNotInRound = await makeOpportunity(db, trustB.id, { title: "Join the sepsis quality improvement group" });
  const draftA = await makeOpportunity(db, trustA.id, {}, "draft");
  const draftB = await makeOpportunity(db, trustB.id, {}, "draft");
  const endedA = await endedOpportunity(db, trustA.id);
  const endedB = await endedOpportunity(db, trustB.id);

  const apps = {
    ownAtOwnTrust: await apply(db, trainee.id, oppA),
    otherAtOwnTrust: await apply(db, otherTrainee.id, oppA),
    ownAtOtherTrust: await apply(db, trainee.id, oppB),
    otherAtOtherTrust: await apply(db, otherTrainee.id, oppB),
    elsewhere: await apply(db, elsewhere.id, oppB),
    ownCompleted: await apply(db, trainee.id, endedA, "completed"),
    otherCompleted: await apply(db, otherTrainee.id, endedB, "completed"),
  };

  const now = Date.now();
  // The trusts' rounds open tomorrow, so they can still be edited; the regional one is open.
  const upcoming = { opensAt: new Date(now + 24 * HOUR), closesAt: new Date(now + 8 * 24 * HOUR) };
  const roundA = await makeRound(db, { trustId: trustA.id, opportunityIds: [oppA], createdBy: lead.id, ...upcoming });
  const roundB = await makeRound(db, { trustId: trustB.id, opportunityIds: [oppB], createdBy: otherLead.id, ...upcoming });
  const regional = await makeRound(db, { trustId: null, opportunityIds: [oppA, oppB], createdBy: admin.id });
  const past = { opensAt: new Date(now - 48 * HOUR), closesAt: new Date(now - HOUR) };
  const allocatedA = await makeRound(db, { trustId: trustA.id, opportunityIds: [oppA], ...past });
  const allocatedB = await makeRound(db, { trustId: trustB.id, opportunityIds: [oppB], ...past });
  for (const round of [allocatedA, allocatedB]) {
    const closed = await closeRound(db, round.id, { actor: null, now: new Date() });
    if (!closed.ok) throw new Error(`route fixtures: the allocated round did not close: ${JSON.stringify(closed)}`);
  }
  const toCloseA = await makeRound(db, { trustId: trustA.id, opportunityIds: [oppA] });
  const toCloseB = await makeRound(db, { trustId: trustB.id, opportunityIds: [oppB] });

  const importA = await importAt(db, trustA.id, dme.id);
  const importB = await importAt(db, trustB.id, otherDme.id);
  const importAll = await importAt(db, null, admin.id);

  const [noteA] = await db
    .insert(notifications)
    .values({ userId: trainee.id, kind: "application_event", applicationId: apps.ownAtOwnTrust, eventId: firstEvent.get(apps.ownAtOwnTrust)! })
    .returning({ id: notifications.id });
  const [noteB] = await db
    .insert(notifications)
    .values({ userId: otherTrainee.id, kind: "application_event", applicationId: apps.otherAtOtherTrust, eventId: firstEvent.get(apps.otherAtOtherTrust)! })
    .returning({ id: notifications.id });

  // Trainees who came in by a rotation import and have not set a password yet: one placed at
  // each trust, so a DME's invitation list holds one and not the other.
  const newA = await makeTrainee(db, { passwordHash: null });
  const newB = await makeTrainee(db, { passwordHash: null });
  await makePlacement(db, { traineeId: newA.id, trustId: trustA.id, grade: "FY2", ...CURRENT });
  await makePlacement(db, { traineeId: newB.id, trustId: trustB.id, grade: "FY2", ...CURRENT });
  const inviteA = await traineeInvitation(db, newA.id, newA.email, dme.id);
  const inviteB = await traineeInvitation(db, newB.id, newB.email, otherDme.id);

  const resetToken = randomBytes(24).toString("base64url");
  await db.insert(passwordResets).values({ userId: otherTrainee.id, tokenHash: hashToken(resetToken), expiresAt: new Date(now + HOUR) });

  const people: Record<SignedIn, string> = { trainee: trainee.id, trust_lead: lead.id, dme: dme.id, admin: admin.id };
  const cookies = {} as Record<SignedIn, string>;
  const spareCookies = {} as Record<SignedIn, string[]>;
  for (const role of SIGNED_IN) {
    cookies[role] = await cookieFor(db, people[role], cookieName);
    spareCookies[role] = [];
    for (let i = 0; i < SPARE_SESSIONS; i++) spareCookies[role].push(await cookieFor(db, people[role], cookieName));
  }

  return {
    trusts: { own: trustA.id, other: trustB.id },
    odsCodes: { own: trustA.odsCode, other: trustB.odsCode },
    users: { ...people, otherTrainee: otherTrainee.id, otherLead: otherLead.id, otherDme: otherDme.id, elsewhere: elsewhere.id },
    elsewhere: { name: elsewhere.name, applicationId: apps.elsewhere },
    objectives: { own: objA!.id, other: objB!.id },
    sites: { own: trustA.sites[0]!.id, other: trustB.sites[0]!.id },
    opportunities: { own: oppA, other: oppB, ownDraft: draftA, otherDraft: draftB, ownNotInRound, otherNotInRound },
    applications: apps,
    placements: { own: placementA.id, other: placementB.id },
    rounds: {
      own: roundA.id,
      other: roundB.id,
      regional: regional.id,
      ownAllocated: allocatedA.id,
      otherAllocated: allocatedB.id,
      ownToClose: toCloseA.id,
      otherToClose: toCloseB.id,
    },
    imports: { own: importA, other: importB, admin: importAll },
    notifications: { own: noteA!.id, other: noteB!.id },
    invitations: { own: inviteA.id, other: inviteB.id },
    tokens: {
      invitation: inviteB.token,
      passwordReset: resetToken,
      // Another trainee's links: the pages they open need the token, not a session.
      unsubscribe: await unsubscribeToken(db, otherTrainee.id, "nudge"),
      calendar: (await getOrCreateCalendarToken(db, otherTrainee.id))!,
    },
    cookies,
    spareCookies,
  };
}

/**
 * A server on its own database holding the route fixtures (written before it starts: PGlite
 * allows one process at a time). Production by default, on an empty database, as the
 * authorisation matrix runs it; `{ NODE_ENV: "development" }` starts it on the demo data with
 * the fixtures added beside it (the development cookie name), for walks that want both.
 */
export async function serverWithRouteFixtures(env: Record<string, string> = {}): Promise<{ server: RunningServer; fixtures: RouteFixtures; dispose(): Promise<void> }> {
  const production = (env.NODE_ENV ?? "production") === "production";
  const database = await scratchDatabase({ seeded: !production });
  const opened = await openDatabase(database.env.DATABASE_URL ? { url: database.env.DATABASE_URL, poolSize: 2 } : { dataDir: database.env.PGLITE_DATA_DIR! });
  // Model functions the fixtures call look the database up themselves.
  setDatabase(opened);
  let fixtures: RouteFixtures;
  try {
    fixtures = await createRouteFixtures(opened.db, { cookieName: production ? PRODUCTION_COOKIE : "invitational_session" });
  } finally {
    await opened.close();
  }
  const server = await startServer({ NODE_ENV: "production", OUTBOX_WORKER: "off", ...env }, { database });
  return {
    server,
    fixtures,
    async dispose() {
      await server.stop();
      await database.dispose();
    },
  };
}
