// Every route of the app, with the addresses to open it at and what each kind of person gets
// there: the one table the authorisation matrix checks cell by cell over HTTP, and that other
// tests (accessibility, hostile input) read to list every page a role can open.
//
// The rows are those of ./route-fixtures.ts: "own" is trust A and trainee A (the signed-in
// trainee, and the trust lead's and DME's trust), "other" trust B and trainee B.
//
// A cell is the expected answer for one person: a status, "sign-in" (a redirect to the sign-in
// page that comes back to this address) or "→/path" (a redirect whose target starts with /path).
// The rules every cell follows: a page for signed-in people sends the anonymous to sign in; the
// wrong role gets 403; another trust's row, or another trainee's, is 404, exactly like a row
// that does not exist. POSTs are sent with an empty form unless a target says otherwise, so an
// allowed person gets the form's refusal (400) and nothing changes.
import { readdirSync } from "node:fs";
import path from "node:path";

import { opportunityFields } from "./opportunities";
import { UNKNOWN_ID, VIEWERS, type RouteFixtures, type Viewer } from "./route-fixtures";

export type Outcome = number | "sign-in" | `→${string}`;
export type Cells = Record<Viewer, Outcome>;

export type Scope =
  | "no row"
  | "own trust"
  | "another trust"
  | "own row"
  | "another trainee's row"
  | "no such row"
  | "valid token"
  | "unknown token";

export interface Target {
  /** The address's relation to the signed-in people (both, for a row that is a trainee's at a trust). */
  scope: readonly Scope[];
  path: (f: RouteFixtures) => string;
  get?: Cells;
  post?: Cells;
  /** The form sent with the POST (empty unless given). */
  body?: (f: RouteFixtures) => Record<string, string | string[]>;
  /** Text no answer to this target may hold (a name looked up from an id in the address or form). */
  mustNotShow?: (f: RouteFixtures) => string[];
  /** The POST ends the session it is sent with: each request uses a spare session. */
  endsSession?: boolean;
}

export interface RouteEntry {
  /** The file under app/routes/. */
  file: string;
  /** A page (HTML) or a resource route (a file, JSON, a redirect). */
  kind: "page" | "resource";
  targets: Target[];
}

/** Cells in the order anonymous, trainee, trust lead, DME, admin. */
export function cells(anonymous: Outcome, trainee: Outcome, trustLead: Outcome, dme: Outcome, admin: Outcome): Cells {
  return { anonymous, trainee, trust_lead: trustLead, dme, admin };
}
const all = (outcome: Outcome) => cells(outcome, outcome, outcome, outcome, outcome);
/** A page for the signed-in people of the given roles: the anonymous sign in, anyone else 403. */
function only(roles: readonly Exclude<Viewer, "anonymous">[], outcome: Outcome, otherwise: Outcome = 403): Cells {
  return cells(
    "sign-in",
    roles.includes("trainee") ? outcome : otherwise,
    roles.includes("trust_lead") ? outcome : otherwise,
    roles.includes("dme") ? outcome : otherwise,
    roles.includes("admin") ? outcome : otherwise,
  );
}
const signedIn = (outcome: Outcome) => cells("sign-in", outcome, outcome, outcome, outcome);
const NO_ROW: readonly Scope[] = ["no row"];
const OWN_TRUST: readonly Scope[] = ["own trust"];
const OTHER_TRUST: readonly Scope[] = ["another trust"];
const OWN_ROW: readonly Scope[] = ["own row"];
const OTHER_ROW: readonly Scope[] = ["another trainee's row"];
const MISSING: readonly Scope[] = ["no such row"];

// The sign-in page sends the signed-in home; so does registering.
const HOMES = { trainee: "→/trainee", trust_lead: "→/trust", dme: "→/dme", admin: "→/admin" } as const;
const home = (anonymous: Outcome) => cells(anonymous, HOMES.trainee, HOMES.trust_lead, HOMES.dme, HOMES.admin);

/** For a trust lead's page about a row of a trust: theirs, another trust's, none at all. */
function leadRow(prefix: string, kind: "objectives" | "opportunities", suffix = "", post?: { own: Outcome }): Target[] {
  const at = (id: (f: RouteFixtures) => string) => (f: RouteFixtures) => `${prefix}${id(f)}${suffix}`;
  const postCells = (own: Outcome | undefined, notFound: boolean) =>
    own === undefined ? undefined : only(["trust_lead"], notFound ? 404 : own);
  return [
    { scope: OWN_TRUST, path: at((f) => f[kind].own), get: only(["trust_lead"], 200), post: postCells(post?.own, false) },
    { scope: OTHER_TRUST, path: at((f) => f[kind].other), get: only(["trust_lead"], 404), post: postCells(post?.own, true) },
    { scope: MISSING, path: at(() => UNKNOWN_ID), get: only(["trust_lead"], 404), post: postCells(post?.own, true) },
  ];
}

/** A trainee's page about one of their completed applications. */
function traineeCompleted(pathOf: (id: string) => string, post?: Outcome): Target[] {
  return [
    { scope: OWN_ROW, path: (f) => pathOf(f.applications.ownCompleted), get: only(["trainee"], 200), post: post === undefined ? undefined : only(["trainee"], post) },
    { scope: OTHER_ROW, path: (f) => pathOf(f.applications.otherCompleted), get: only(["trainee"], 404), post: post === undefined ? undefined : only(["trainee"], 404) },
    { scope: MISSING, path: () => pathOf(UNKNOWN_ID), get: only(["trainee"], 404), post: post === undefined ? undefined : only(["trainee"], 404) },
  ];
}

/** An allocated round's pages (the result, its download): admins and the round's own trust lead. */
function allocatedRound(suffix: string): Target[] {
  return [
    { scope: OWN_TRUST, path: (f) => `/rounds/${f.rounds.ownAllocated}${suffix}`, get: only(["trust_lead", "admin"], 200) },
    { scope: OTHER_TRUST, path: (f) => `/rounds/${f.rounds.otherAllocated}${suffix}`, get: cells("sign-in", 403, 404, 403, 200) },
    { scope: MISSING, path: () => `/rounds/${UNKNOWN_ID}${suffix}`, get: only(["trust_lead", "admin"], 404) },
  ];
}

/** An import's pages: admins see every import, a DME their own trust's. */
function importPage(suffix: string, post?: Outcome): Target[] {
  return [
    {
      scope: OWN_TRUST,
      path: (f) => `/imports/${f.imports.own}${suffix}`,
      get: only(["dme", "admin"], 200),
      post: post === undefined ? undefined : only(["dme", "admin"], post),
    },
    {
      scope: OTHER_TRUST,
      path: (f) => `/imports/${f.imports.other}${suffix}`,
      get: cells("sign-in", 403, 403, 404, 200),
      post: post === undefined ? undefined : cells("sign-in", 403, 403, 404, post),
    },
    // An admin's file across every trust is not a DME's to open, even where it names their trust.
    {
      scope: NO_ROW,
      path: (f) => `/imports/${f.imports.admin}${suffix}`,
      get: cells("sign-in", 403, 403, 404, 200),
      post: post === undefined ? undefined : cells("sign-in", 403, 403, 404, post),
    },
    {
      scope: MISSING,
      path: () => `/imports/${UNKNOWN_ID}${suffix}`,
      get: only(["dme", "admin"], 404),
      post: post === undefined ? undefined : only(["dme", "admin"], 404),
    },
  ];
}

/** A round form as a trust lead fills it in, opening tomorrow for a week. */
function roundForm(opportunityIds: string[]): Record<string, string | string[]> {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  return { name: "Spring leadership round", opportunityIds, opensDate: day(2), opensTime: "09:00", closesDate: day(9), closesTime: "17:00", maxChoices: "5", seed: "" };
}

// A trust's own staff see the names of its trainees with nothing yet; no one sees another trust's.
const reports = (pathname: string): Target[] => [
  { scope: NO_ROW, path: () => pathname, get: only(["trust_lead", "dme", "admin"], 200), mustNotShow: (f) => [f.elsewhere.name] },
  { scope: OWN_TRUST, path: (f) => `${pathname}?scope=trust:${f.odsCodes.own}`, get: only(["trust_lead", "dme", "admin"], 200) },
  { scope: OTHER_TRUST, path: (f) => `${pathname}?scope=trust:${f.odsCodes.other}`, get: cells("sign-in", 403, 404, 404, 200) },
];

export const ROUTE_TABLE: readonly RouteEntry[] = [
  // Public pages.
  { file: "$.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/no/such/page", get: all(404), post: all(404) }] },
  { file: "_index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/", get: all(200) }] },
  { file: "accessibility.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/accessibility", get: all(200) }] },
  { file: "privacy.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/privacy", get: all(200) }] },
  { file: "healthz.ts", kind: "resource", targets: [{ scope: NO_ROW, path: () => "/healthz", get: all(200) }] },
  { file: "opportunities._index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/opportunities", get: all(200) }] },
  {
    file: "opportunities.$id.tsx",
    kind: "page",
    // Published opportunities are public; a draft is its own trust's staff's only (not even an
    // admin's: it is the trust's work in progress). Applying is for trainees.
    targets: [
      // The fixtures' trainee has applied for both already: an empty form is told so (409), not
      // sent to a statement box the page no longer shows.
      { scope: OWN_TRUST, path: (f) => `/opportunities/${f.opportunities.own}`, get: all(200), post: only(["trainee"], 409) },
      { scope: OTHER_TRUST, path: (f) => `/opportunities/${f.opportunities.other}`, get: all(200), post: only(["trainee"], 409) },
      { scope: OWN_TRUST, path: (f) => `/opportunities/${f.opportunities.ownDraft}`, get: cells(404, 404, 200, 200, 404), post: only(["trainee"], 404) },
      { scope: OTHER_TRUST, path: (f) => `/opportunities/${f.opportunities.otherDraft}`, get: all(404), post: only(["trainee"], 404) },
      { scope: MISSING, path: () => `/opportunities/${UNKNOWN_ID}`, get: all(404), post: only(["trainee"], 404) },
    ],
  },
  {
    file: "calendar.$file.ts",
    kind: "resource",
    // The feed's secret link is its only key: anyone holding it reads it, signed in or not.
    targets: [
      { scope: ["valid token"], path: (f) => `/calendar/${f.tokens.calendar}.ics`, get: all(200) },
      { scope: ["unknown token"], path: () => "/calendar/not-a-real-token.ics", get: all(404) },
    ],
  },
  {
    file: "unsubscribe.$token.tsx",
    kind: "page",
    targets: [
      { scope: ["valid token"], path: (f) => `/unsubscribe/${f.tokens.unsubscribe}`, get: all(200), post: all(200) },
      { scope: ["unknown token"], path: () => "/unsubscribe/not-a-real-token", get: all(404), post: all(404) },
    ],
  },
  {
    file: "invitations.$token.tsx",
    kind: "page",
    targets: [
      { scope: ["valid token"], path: (f) => `/invitations/${f.tokens.invitation}`, get: all(200), post: all(400) },
      { scope: ["unknown token"], path: () => "/invitations/not-a-real-token", get: all(404), post: all(404) },
    ],
  },
  {
    file: "reset-password.$token.tsx",
    kind: "page",
    targets: [
      { scope: ["valid token"], path: (f) => `/reset-password/${f.tokens.passwordReset}`, get: all(200), post: all(400) },
      { scope: ["unknown token"], path: () => "/reset-password/not-a-real-token", get: all(404), post: all(404) },
    ],
  },

  // Signing in and out.
  { file: "sign-in.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/sign-in", get: home(200), post: home(400) }] },
  // NHS CIS2 (the matrix's server has it configured, its provider unreachable): the start
  // route shows its button to anyone, and a callback without a state is refused for anyone.
  { file: "sign-in_.cis2.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/sign-in/cis2", get: all(200), post: all(400) }] },
  { file: "sign-in_.cis2_.callback.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/sign-in/cis2/callback?code=x&state=y", get: all(400) }] },
  { file: "register.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/register", get: home(200), post: home(400) }] },
  { file: "forgot-password.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/forgot-password", get: all(200), post: all(400) }] },
  { file: "login.tsx", kind: "resource", targets: [{ scope: NO_ROW, path: () => "/login", get: all("→/sign-in") }] },
  { file: "logout.tsx", kind: "resource", targets: [{ scope: NO_ROW, path: () => "/logout", get: all("→/sign-out") }] },
  {
    file: "sign-out.tsx",
    kind: "page",
    targets: [{ scope: NO_ROW, path: () => "/sign-out", get: cells("→/", 200, 200, 200, 200), post: all("→/"), endsSession: true }],
  },
  // Where NHS CIS2 sends the browser back after signing out there: someone signed in goes to the landing page.
  { file: "signed-out.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/signed-out", get: cells(200, "→/", "→/", "→/", "→/") }] },
  {
    // Posted by the NHS CIS2 provider's server, with no session: the same for anyone. Opened in a
    // browser it is not found; an empty form has no logout token, refused before the provider's
    // keys are fetched. tests/routes/cis2-account-routes.test.ts posts real ones.
    file: "sign-in_.cis2_.backchannel-logout.ts",
    kind: "resource",
    targets: [{ scope: NO_ROW, path: () => "/sign-in/cis2/backchannel-logout", get: all(404), post: all(400) }],
  },

  // Everyone signed in.
  { file: "account.password.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/account/password", get: signedIn(200), post: signedIn(400) }] },
  {
    file: "account.notifications.tsx",
    kind: "page",
    // Saving with nothing ticked is a choice (every optional e-mail off), not a mistake.
    targets: [{ scope: NO_ROW, path: () => "/account/notifications", get: signedIn(200), post: signedIn("→/account/notifications") }],
  },
  {
    file: "notifications.tsx",
    kind: "page",
    targets: [
      { scope: NO_ROW, path: () => "/notifications", get: signedIn(200), post: signedIn(400) },
      { scope: OWN_ROW, path: () => "/notifications", body: (f) => ({ intent: "read", id: f.notifications.own }), post: cells("sign-in", "→/notifications", 404, 404, 404) },
      { scope: OTHER_ROW, path: () => "/notifications", body: (f) => ({ intent: "read", id: f.notifications.other }), post: signedIn(404) },
    ],
  },
  {
    file: "applications.$id.tsx",
    kind: "page",
    // The trainee's own; the trust's staff for their trust's opportunities; admins read any.
    // An empty form is 400 where the page offers a move (the trainee's withdraw, the lead's
    // offer); the DME has none on a submitted application, so nothing can be done now: 409.
    targets: [
      { scope: ["own row", "own trust"], path: (f) => `/applications/${f.applications.ownAtOwnTrust}`, get: signedIn(200), post: cells("sign-in", 400, 400, 409, 403) },
      { scope: ["another trainee's row", "own trust"], path: (f) => `/applications/${f.applications.otherAtOwnTrust}`, get: cells("sign-in", 404, 200, 200, 200), post: cells("sign-in", 404, 400, 409, 403) },
      { scope: ["own row", "another trust"], path: (f) => `/applications/${f.applications.ownAtOtherTrust}`, get: cells("sign-in", 200, 404, 404, 200), post: cells("sign-in", 400, 404, 404, 403) },
      { scope: ["another trainee's row", "another trust"], path: (f) => `/applications/${f.applications.otherAtOtherTrust}`, get: cells("sign-in", 404, 404, 404, 200), post: cells("sign-in", 404, 404, 404, 403) },
      { scope: MISSING, path: () => `/applications/${UNKNOWN_ID}`, get: signedIn(404), post: cells("sign-in", 404, 404, 404, 403) },
    ],
  },

  // Trainees.
  { file: "trainee._index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/trainee", get: only(["trainee"], 200) }] },
  { file: "trainee.profile.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/trainee/profile", get: only(["trainee"], 200), post: only(["trainee"], 400) }] },
  { file: "trainee.journey.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/trainee/journey", get: only(["trainee"], 200) }] },
  { file: "trainee.calendar.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/trainee/calendar", get: only(["trainee"], 200), post: only(["trainee"], 400) }] },
  { file: "trainee.close-account.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/trainee/close-account", get: only(["trainee"], 200), post: only(["trainee"], 400) }] },
  { file: "trainee.data[.]json.ts", kind: "resource", targets: [{ scope: NO_ROW, path: () => "/trainee/data.json", get: only(["trainee"], 200) }] },
  { file: "trainee.evidence._index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/trainee/evidence", get: only(["trainee"], 200) }] },
  { file: "trainee.evidence[.]pdf.ts", kind: "resource", targets: [{ scope: NO_ROW, path: () => "/trainee/evidence.pdf", get: only(["trainee"], 200) }] },
  { file: "trainee.evidence.$id.tsx", kind: "page", targets: traineeCompleted((id) => `/trainee/evidence/${id}`) },
  { file: "trainee.evidence.$id[.]pdf.ts", kind: "resource", targets: traineeCompleted((id) => `/trainee/evidence/${id}.pdf`) },
  { file: "applications.$id_.reflection.tsx", kind: "page", targets: traineeCompleted((id) => `/applications/${id}/reflection`, 400) },
  {
    file: "trainee.saved.tsx",
    kind: "resource",
    targets: [
      { scope: NO_ROW, path: () => "/trainee/saved", get: only(["trainee"], "→/trainee/journey"), post: only(["trainee"], 400) },
      // A draft is no trainee's to save: not found, like another trust's unpublished data anywhere.
      { scope: OTHER_TRUST, path: () => "/trainee/saved", body: (f) => ({ intent: "save", opportunityId: f.opportunities.otherDraft }), post: only(["trainee"], 404) },
    ],
  },
  { file: "trainee.placements.new.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/trainee/placements/new", get: only(["trainee"], 200), post: only(["trainee"], 400) }] },
  {
    file: "trainee.placements.$id.tsx",
    kind: "page",
    targets: [
      { scope: OWN_ROW, path: (f) => `/trainee/placements/${f.placements.own}`, get: only(["trainee"], 200), post: only(["trainee"], 400) },
      { scope: OTHER_ROW, path: (f) => `/trainee/placements/${f.placements.other}`, get: only(["trainee"], 404), post: only(["trainee"], 404) },
      { scope: MISSING, path: () => `/trainee/placements/${UNKNOWN_ID}`, get: only(["trainee"], 404), post: only(["trainee"], 404) },
    ],
  },
  {
    file: "trainee.rounds.$id.tsx",
    kind: "page",
    // A trust's round holds its published opportunities, which any trainee may apply for
    // (trainees rotate between trusts), so every trainee can open any round.
    targets: [
      { scope: OWN_TRUST, path: (f) => `/trainee/rounds/${f.rounds.own}`, get: only(["trainee"], 200), post: only(["trainee"], 400) },
      { scope: NO_ROW, path: (f) => `/trainee/rounds/${f.rounds.regional}`, get: only(["trainee"], 200), post: only(["trainee"], 400) },
      { scope: OTHER_TRUST, path: (f) => `/trainee/rounds/${f.rounds.other}`, get: only(["trainee"], 200), post: only(["trainee"], 400) },
      { scope: MISSING, path: () => `/trainee/rounds/${UNKNOWN_ID}`, get: only(["trainee"], 404), post: only(["trainee"], 404) },
    ],
  },

  // Trust leads.
  { file: "trust._index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/trust", get: only(["trust_lead"], 200) }] },
  { file: "trust.objectives._index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/trust/objectives", get: only(["trust_lead"], 200), post: only(["trust_lead"], 400) }] },
  { file: "trust.objectives.$id.tsx", kind: "page", targets: leadRow("/trust/objectives/", "objectives", "", { own: 400 }) },
  { file: "trust.opportunities._index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/trust/opportunities", get: only(["trust_lead"], 200) }] },
  {
    file: "trust.opportunities.new.tsx",
    kind: "page",
    targets: [
      { scope: NO_ROW, path: () => "/trust/opportunities/new", get: only(["trust_lead"], 200), post: only(["trust_lead"], 400) },
      // A complete form naming another trust's objective or site is refused by those fields;
      // the same form with the trust's own saves.
      {
        scope: OWN_TRUST,
        path: () => "/trust/opportunities/new",
        body: (f) => opportunityFields({ type: "qi_project", objectiveId: f.objectives.own, siteId: f.sites.own }),
        post: only(["trust_lead"], "→/trust/opportunities/"),
      },
      {
        scope: OTHER_TRUST,
        path: () => "/trust/opportunities/new",
        body: (f) => opportunityFields({ type: "qi_project", objectiveId: f.objectives.other }),
        post: only(["trust_lead"], 400),
      },
      { scope: OTHER_TRUST, path: () => "/trust/opportunities/new", body: (f) => opportunityFields({ siteId: f.sites.other }), post: only(["trust_lead"], 400) },
    ],
  },
  {
    file: "trust.opportunities.$id._index.tsx",
    kind: "page",
    targets: [
      ...leadRow("/trust/opportunities/", "opportunities", "", { own: 400 }),
      // "X was offered a seat" names applicants from ids in the address: only this opportunity's own.
      {
        scope: OTHER_TRUST,
        path: (f) => `/trust/opportunities/${f.opportunities.own}?done=publish&offered=${f.elsewhere.applicationId}`,
        get: only(["trust_lead"], 200),
        mustNotShow: (f) => [f.elsewhere.name],
      },
    ],
  },
  {
    file: "trust.opportunities.$id.edit.tsx",
    kind: "page",
    targets: [
      ...leadRow("/trust/opportunities/", "opportunities", "/edit", { own: 400 }),
      {
        scope: OTHER_TRUST,
        path: (f) => `/trust/opportunities/${f.opportunities.own}/edit`,
        body: (f) => opportunityFields({ siteId: f.sites.other }),
        post: only(["trust_lead"], 400),
      },
    ],
  },
  { file: "trust.opportunities.$id.applicants.tsx", kind: "page", targets: leadRow("/trust/opportunities/", "opportunities", "/applicants") },
  {
    file: "nothing-yet.tsx",
    kind: "page",
    targets: [
      { scope: NO_ROW, path: () => "/nothing-yet", get: only(["trust_lead", "dme"], 200), post: only(["trust_lead", "dme"], 400) },
      // The banner after a nudge names the trainee from the address: only one of the trust's own.
      {
        scope: OTHER_TRUST,
        path: (f) => `/nothing-yet?nudged=1&trainee=${f.users.elsewhere}`,
        get: only(["trust_lead", "dme"], 200),
        mustNotShow: (f) => [f.elsewhere.name],
      },
      // Another trust's trainee cannot be nudged, or even confirmed to exist.
      { scope: OTHER_TRUST, path: () => "/nothing-yet", body: (f) => ({ intent: "nudge-one", traineeId: f.users.otherTrainee }), post: only(["trust_lead", "dme"], 404) },
    ],
  },

  // DMEs.
  { file: "dme._index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/dme", get: only(["dme"], 200) }] },
  {
    file: "dme.approvals.tsx",
    kind: "page",
    targets: [
      { scope: NO_ROW, path: () => "/dme/approvals", get: only(["dme"], 200), post: only(["dme"], 400) },
      // Approving another trust's application changes nothing and the summary does not name its trainee.
      {
        scope: OTHER_TRUST,
        path: () => "/dme/approvals",
        body: (f) => ({ applicationIds: f.elsewhere.applicationId }),
        post: only(["dme"], 200),
        mustNotShow: (f) => [f.elsewhere.name],
      },
    ],
  },
  {
    file: "dme.invitations.tsx",
    kind: "page",
    targets: [
      { scope: NO_ROW, path: () => "/dme/invitations", get: only(["dme"], 200), post: only(["dme"], 400) },
      { scope: OWN_TRUST, path: () => "/dme/invitations", body: (f) => ({ intent: "resend-invitation", invitationId: f.invitations.own }), post: only(["dme"], "→/dme/invitations") },
      { scope: OTHER_TRUST, path: () => "/dme/invitations", body: (f) => ({ intent: "resend-invitation", invitationId: f.invitations.other }), post: only(["dme"], 404) },
    ],
  },

  // Rotation imports: admins and DMEs.
  { file: "imports._index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/imports", get: only(["dme", "admin"], 200), post: only(["dme", "admin"], 400) }] },
  { file: "imports.$id.tsx", kind: "page", targets: importPage("", 409) },
  { file: "imports.$id_.invalid[.]csv.ts", kind: "resource", targets: importPage("/invalid.csv") },

  // Measures of progress: staff and admins.
  { file: "reports._index.tsx", kind: "page", targets: reports("/reports") },
  { file: "reports.print.tsx", kind: "page", targets: reports("/reports/print") },
  { file: "reports.$table[.]csv.ts", kind: "resource", targets: reports("/reports/coverage-by-trust.csv") },
  { file: "reports.baseline.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/reports/baseline", get: only(["admin"], 200), post: only(["admin"], 400) }] },

  // Allocation rounds: admins (every round), trust leads (their trust's), DMEs read.
  { file: "rounds._index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/rounds", get: only(["trust_lead", "dme", "admin"], 200) }] },
  {
    file: "rounds.new.tsx",
    kind: "page",
    targets: [
      { scope: NO_ROW, path: () => "/rounds/new", get: only(["trust_lead", "admin"], 200), post: only(["trust_lead", "admin"], 400) },
      // A trust lead's round holds only their trust's opportunities.
      { scope: OWN_TRUST, path: () => "/rounds/new", body: (f) => roundForm([f.opportunities.ownNotInRound]), post: cells("sign-in", 403, "→/rounds/", 403, 400) },
      { scope: OTHER_TRUST, path: () => "/rounds/new", body: (f) => roundForm([f.opportunities.otherNotInRound]), post: cells("sign-in", 403, 400, 403, "→/rounds/") },
    ],
  },
  {
    file: "rounds.$id._index.tsx",
    kind: "page",
    targets: [
      { scope: OWN_TRUST, path: (f) => `/rounds/${f.rounds.own}`, get: only(["trust_lead", "dme", "admin"], 200), post: only(["trust_lead", "admin"], 400) },
      // A round across trusts holding the own trust's opportunity: its lead reads it and may decline choices of its own opportunities.
      { scope: NO_ROW, path: (f) => `/rounds/${f.rounds.regional}`, get: only(["trust_lead", "dme", "admin"], 200), post: cells("sign-in", 403, 400, 403, 400) },
      { scope: OTHER_TRUST, path: (f) => `/rounds/${f.rounds.other}`, get: cells("sign-in", 403, 404, 404, 200), post: cells("sign-in", 403, 404, 403, 400) },
      { scope: MISSING, path: () => `/rounds/${UNKNOWN_ID}`, get: only(["trust_lead", "dme", "admin"], 404), post: only(["trust_lead", "admin"], 404) },
    ],
  },
  {
    file: "rounds.$id.edit.tsx",
    kind: "page",
    targets: [
      { scope: OWN_TRUST, path: (f) => `/rounds/${f.rounds.own}/edit`, get: only(["trust_lead", "admin"], 200), post: only(["trust_lead", "admin"], 400) },
      { scope: OTHER_TRUST, path: (f) => `/rounds/${f.rounds.other}/edit`, get: cells("sign-in", 403, 404, 403, 200), post: cells("sign-in", 403, 404, 403, 400) },
      { scope: MISSING, path: () => `/rounds/${UNKNOWN_ID}/edit`, get: only(["trust_lead", "admin"], 404), post: only(["trust_lead", "admin"], 404) },
    ],
  },
  {
    file: "rounds.$id.close.tsx",
    kind: "resource",
    // "Close now" is the admins' only; its address opened for a round that can still be closed
    // goes back to the round (one that cannot says why: round-close-routes.test.ts).
    targets: [
      { scope: OWN_TRUST, path: (f) => `/rounds/${f.rounds.ownToClose}/close`, get: only(["admin"], "→/rounds/"), post: only(["admin"], "→/rounds/") },
      { scope: MISSING, path: () => `/rounds/${UNKNOWN_ID}/close`, get: only(["admin"], 404), post: only(["admin"], 404) },
    ],
  },
  { file: "rounds.$id.allocation.tsx", kind: "page", targets: allocatedRound("/allocation") },
  { file: "rounds.$id.download[.]json.ts", kind: "resource", targets: allocatedRound("/download.json") },

  // Administrators.
  { file: "admin._index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/admin", get: only(["admin"], 200) }] },
  { file: "admin.sign-in.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/admin/sign-in", get: only(["admin"], 200), post: only(["admin"], 400) }] },
  {
    file: "admin.audit.tsx",
    kind: "page",
    targets: [
      { scope: NO_ROW, path: () => "/admin/audit", get: only(["admin"], 200) },
      // A date that is not a real one is refused by the field, not a 500.
      { scope: NO_ROW, path: () => "/admin/audit?from=2026-02-30", get: only(["admin"], 400) },
    ],
  },
  { file: "admin.trusts._index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/admin/trusts", get: only(["admin"], 200) }] },
  { file: "admin.trusts.new.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/admin/trusts/new", get: only(["admin"], 200), post: only(["admin"], 400) }] },
  {
    file: "admin.trusts.$id.tsx",
    kind: "page",
    targets: [
      { scope: OWN_TRUST, path: (f) => `/admin/trusts/${f.trusts.own}`, get: only(["admin"], 200), post: only(["admin"], 400) },
      { scope: MISSING, path: () => `/admin/trusts/${UNKNOWN_ID}`, get: only(["admin"], 404), post: only(["admin"], 404) },
    ],
  },
  { file: "admin.users._index.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/admin/users", get: only(["admin"], 200), post: only(["admin"], 400) }] },
  { file: "admin.users.invite.tsx", kind: "page", targets: [{ scope: NO_ROW, path: () => "/admin/users/invite", get: only(["admin"], 200), post: only(["admin"], 400) }] },
  {
    file: "admin.users.$id.tsx",
    kind: "page",
    targets: [
      { scope: NO_ROW, path: (f) => `/admin/users/${f.users.trainee}`, get: only(["admin"], 200), post: only(["admin"], 400) },
      { scope: MISSING, path: () => `/admin/users/${UNKNOWN_ID}`, get: only(["admin"], 404), post: only(["admin"], 404) },
    ],
  },
];

export const ROUTES_DIR = path.resolve(import.meta.dirname, "../../app/routes");

/** The route files under app/routes/, as Remix reads them (one module per file). */
export function routeFiles(): string[] {
  return readdirSync(ROUTES_DIR)
    .filter((name) => /\.(tsx?|jsx?)$/.test(name))
    .sort();
}

export function entryFor(file: string): RouteEntry | undefined {
  return ROUTE_TABLE.find((entry) => entry.file === file);
}

/**
 * Every page the viewer can open (a GET answered 200 with HTML), at a concrete address on the
 * fixtures' rows: what an accessibility or hostile-input walk visits for that role.
 */
export function pagesFor(viewer: Viewer, fixtures: RouteFixtures): { file: string; url: string }[] {
  const pages: { file: string; url: string }[] = [];
  for (const entry of ROUTE_TABLE) {
    if (entry.kind !== "page") continue;
    for (const target of entry.targets) {
      if (target.get?.[viewer] === 200 && !target.body) pages.push({ file: entry.file, url: target.path(fixtures) });
    }
  }
  return pages;
}

export { VIEWERS };
