import { relations, sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  customType,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  time,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";

import {
  APPLICATION_STATUSES,
  DISABILITY_ANSWERS,
  ETHNIC_GROUPS,
  FOCUSES,
  GPC_DOMAINS,
  GRADES,
  HLM_DIMENSIONS,
  OPPORTUNITY_STATUSES,
  OPPORTUNITY_TYPES,
  PLACEMENT_TYPES,
  REGIONS,
  ROLES,
  SEXES,
} from "../app/models/domain";

// Constrained values live in app/models/domain.ts so the browser bundle and the
// database agree on one list.
export const roleEnum = pgEnum("role", ROLES);
export const regionEnum = pgEnum("region", REGIONS);
export const gradeEnum = pgEnum("grade", GRADES);
export const opportunityTypeEnum = pgEnum("opportunity_type", OPPORTUNITY_TYPES);
export const opportunityStatusEnum = pgEnum("opportunity_status", OPPORTUNITY_STATUSES);
export const focusEnum = pgEnum("focus", FOCUSES);
export const hlmDimensionEnum = pgEnum("hlm_dimension", HLM_DIMENSIONS);
export const applicationStatusEnum = pgEnum("application_status", APPLICATION_STATUSES);
export const placementTypeEnum = pgEnum("placement_type", PLACEMENT_TYPES);
export const placementSourceEnum = pgEnum("placement_source", ["manual", "import"]);
// "cancelled": the recipient closed their account (or the invitation was withdrawn) before it was sent.
export const outboxStatusEnum = pgEnum("outbox_status", ["pending", "sent", "failed", "cancelled"]);
export const completionOutcomeEnum = pgEnum("completion_outcome", ["completed", "not_completed"]);
// "open" from creation until the close (choices are taken from opens_at); "allocated" once closed
// and allocated (exactly once); "cancelled" by its creator or an admin before the close.
export const roundStatusEnum = pgEnum("round_status", ["open", "allocated", "cancelled"]);
export const sexEnum = pgEnum("sex", SEXES);
export const ethnicGroupEnum = pgEnum("ethnic_group", ETHNIC_GROUPS);
export const disabilityEnum = pgEnum("disability", DISABILITY_ANSWERS);
export const placementImportStatusEnum = pgEnum("placement_import_status", ["preview", "confirmed"]);
export const gpcDomainEnum = pgEnum("gpc_domain", GPC_DOMAINS);

/** Full-text search document, written by the opportunities model (it includes the objective's title). */
const tsvector = customType<{ data: string }>({
  dataType() {
    return "tsvector";
  },
});

const id = () => uuid("id").primaryKey().defaultRandom();
const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const updatedAt = () => timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();
const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const trusts = pgTable(
  "trusts",
  {
    id: id(),
    odsCode: varchar("ods_code", { length: 3 }).notNull(),
    name: text("name").notNull(),
    region: regionEnum("region").notNull(),
    integratedCareSystem: text("integrated_care_system").notNull(),
    kind: text("kind").notNull().default("acute"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("trusts_ods_code_key").on(t.odsCode),
    uniqueIndex("trusts_name_key").on(t.name),
    index("trusts_region_ics_idx").on(t.region, t.integratedCareSystem),
    check("trusts_ods_code_format", sql`${t.odsCode} ~ '^[A-Z0-9]{3}$'`),
  ],
);

export const sites = pgTable(
  "sites",
  {
    id: id(),
    trustId: uuid("trust_id").notNull().references(() => trusts.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("sites_trust_name_key").on(t.trustId, t.name)],
);

export const objectives = pgTable(
  "objectives",
  {
    id: id(),
    trustId: uuid("trust_id").notNull().references(() => trusts.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    retiredAt: tstz("retired_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("objectives_trust_idx").on(t.trustId, t.retiredAt)],
);

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: roleEnum("role").notNull(),
    trustId: uuid("trust_id").references(() => trusts.id),
    // Null for trainees created by a rotation import until they accept their invitation.
    passwordHash: text("password_hash"),
    passwordChangedAt: tstz("password_changed_at"),
    disabledAt: tstz("disabled_at"),
    calendarToken: text("calendar_token"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    uniqueIndex("users_calendar_token_key").on(t.calendarToken),
    index("users_trust_role_idx").on(t.trustId, t.role),
    // The admin's user search matches any part of a name or address (ILIKE '%…%').
    index("users_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")),
    index("users_email_trgm_idx").using("gin", t.email.op("gin_trgm_ops")),
    check("users_email_lowercase", sql`${t.email} = lower(${t.email})`),
    // Staff belong to exactly one trust; trainees and admins to none.
    check(
      "users_trust_scope",
      sql`(${t.role} in ('trust_lead', 'dme')) = (${t.trustId} is not null)`,
    ),
  ],
);

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: tstz("expires_at").notNull(),
    // lucia has no absolute lifetime: the creation time lets us end every session at 7 days.
    createdAt: createdAt(),
    // How the session was made (issue 14): a CIS2 session may be ended by the provider's
    // back-channel logout, matched by the ID token's session id.
    authMethod: text("auth_method").notNull().default("password"),
    oidcSid: text("oidc_sid"),
  },
  (t) => [
    index("sessions_user_idx").on(t.userId),
    index("sessions_expires_idx").on(t.expiresAt),
    index("sessions_oidc_sid_idx").on(t.oidcSid),
    check("sessions_auth_method", sql`${t.authMethod} in ('password', 'cis2')`),
  ],
);

/**
 * An NHS CIS2 identity linked to an account (issue 14). Sign-in matches the provider's subject,
 * never an e-mail address: a subject is linked only through an invitation or by the signed-in
 * account holder.
 */
export const userIdentities = pgTable(
  "user_identities",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    issuer: text("issuer").notNull(),
    subject: text("subject").notNull(),
    linkedAt: tstz("linked_at").notNull().defaultNow(),
    lastSignInAt: tstz("last_sign_in_at"),
  },
  (t) => [
    uniqueIndex("user_identities_issuer_subject_key").on(t.issuer, t.subject),
    uniqueIndex("user_identities_user_issuer_key").on(t.userId, t.issuer),
  ],
);

/**
 * A CIS2 sign-in under way: the state travels in the URL and a cookie, only its SHA-256 is
 * kept, with the PKCE verifier and nonce. The callback consumes the row once (used_at), so a
 * replayed state finds nothing, whichever app process answers.
 */
export const oidcSignInStates = pgTable(
  "oidc_sign_in_states",
  {
    stateHash: text("state_hash").primaryKey(),
    codeVerifier: text("code_verifier").notNull(),
    nonce: text("nonce").notNull(),
    // "sign_in", "invitation" (accepting invitationId) or "link" (userId links CIS2 from the profile).
    purpose: text("purpose").notNull(),
    invitationId: uuid("invitation_id").references(() => invitations.id, { onDelete: "cascade" }),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    redirectTo: text("redirect_to").notNull().default(""),
    createdAt: createdAt(),
    expiresAt: tstz("expires_at").notNull(),
    usedAt: tstz("used_at"),
  },
  (t) => [
    index("oidc_sign_in_states_expires_idx").on(t.expiresAt),
    check("oidc_sign_in_states_purpose", sql`${t.purpose} in ('sign_in', 'invitation', 'link')`),
    check(
      "oidc_sign_in_states_purpose_target",
      sql`(${t.purpose} <> 'invitation' or ${t.invitationId} is not null) and (${t.purpose} <> 'link' or ${t.userId} is not null)`,
    ),
  ],
);

/** Back-channel logout tokens already acted on: each is used once (its jti, per issuer). */
export const oidcLogoutTokens = pgTable(
  "oidc_logout_tokens",
  {
    issuer: text("issuer").notNull(),
    jti: text("jti").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    receivedAt: tstz("received_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.issuer, t.jti] }), index("oidc_logout_tokens_expires_idx").on(t.expiresAt)],
);

/** Service-wide settings an admin changes: one row. */
export const serviceSettings = pgTable(
  "service_settings",
  {
    id: boolean("id").primaryKey().default(true),
    // Off: trust leads, DMEs and admins must sign in with NHS CIS2; trainees keep passwords.
    staffPasswordSignIn: boolean("staff_password_sign_in").notNull().default(true),
    updatedBy: text("updated_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: updatedAt(),
  },
  (t) => [check("service_settings_one_row", sql`${t.id}`)],
);

export const traineeProfiles = pgTable(
  "trainee_profiles",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    // Null only once the trainee has closed the account and the profile is anonymised.
    gmcNumber: varchar("gmc_number", { length: 7 }),
    grade: gradeEnum("grade").notNull(),
    specialty: text("specialty").notNull().default(""),
    programme: text("programme").notNull().default(""),
    region: regionEnum("region"),
    ltft: boolean("ltft").notNull().default(false),
    // Voluntary equality information (null = not answered): anonymous totals only, never shown
    // to staff person by person, removed when the account closes.
    sex: sexEnum("sex"),
    ethnicGroup: ethnicGroupEnum("ethnic_group"),
    disability: disabilityEnum("disability"),
    anonymisedAt: tstz("anonymised_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("trainee_profiles_gmc_number_key").on(t.gmcNumber),
    index("trainee_profiles_grade_idx").on(t.grade),
    index("trainee_profiles_gmc_trgm_idx").using("gin", t.gmcNumber.op("gin_trgm_ops")),
    check("trainee_profiles_gmc_format", sql`${t.gmcNumber} is null or ${t.gmcNumber} ~ '^[0-9]{7}$'`),
    check("trainee_profiles_gmc_unless_anonymised", sql`${t.gmcNumber} is not null or ${t.anonymisedAt} is not null`),
  ],
);

export const placementImports = pgTable(
  "placement_imports",
  {
    id: id(),
    importedBy: text("imported_by").references(() => users.id, { onDelete: "set null" }),
    // Null for an admin's import across all trusts; a DME's import is scoped to the trust.
    trustId: uuid("trust_id").references(() => trusts.id),
    fileName: text("file_name").notNull(),
    newTrainees: integer("new_trainees").notNull().default(0),
    updatedTrainees: integer("updated_trainees").notNull().default(0),
    newPlacements: integer("new_placements").notNull().default(0),
    unchangedRows: integer("unchanged_rows").notNull().default(0),
    invalidRows: integer("invalid_rows").notNull().default(0),
    // A preview waits for its importer to confirm it; only a confirmed import has written anything.
    status: placementImportStatusEnum("status").notNull().default("confirmed"),
    updatedPlacements: integer("updated_placements").notNull().default(0),
    confirmedAt: tstz("confirmed_at"),
    createdAt: createdAt(),
  },
  (t) => [index("placement_imports_created_idx").on(t.createdAt)],
);

/**
 * The rows of an uploaded file, so that a preview can be confirmed without the file. Once the
 * import is confirmed only the invalid rows are kept (for their download).
 */
export const placementImportRows = pgTable(
  "placement_import_rows",
  {
    importId: uuid("import_id")
      .notNull()
      .references(() => placementImports.id, { onDelete: "cascade" }),
    line: integer("line").notNull(),
    // The known columns' values in the order of the import's headings.
    cells: text("cells").array().notNull(),
    // Null for a valid row.
    errors: jsonb("errors").$type<{ column: string; code: string; reason: string }[]>(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.line] })],
);

export const placements = pgTable(
  "placements",
  {
    id: id(),
    traineeId: text("trainee_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    trustId: uuid("trust_id")
      .notNull()
      .references(() => trusts.id),
    siteId: uuid("site_id").references(() => sites.id, { onDelete: "set null" }),
    siteName: text("site_name").notNull().default(""),
    specialty: text("specialty").notNull().default(""),
    grade: gradeEnum("grade").notNull(),
    startsOn: date("starts_on", { mode: "string" }).notNull(),
    endsOn: date("ends_on", { mode: "string" }).notNull(),
    wte: numeric("wte", { precision: 3, scale: 2 }).notNull().default("1.00"),
    placementType: placementTypeEnum("placement_type").notNull().default("In Post"),
    source: placementSourceEnum("source").notNull().default("manual"),
    importId: uuid("import_id").references(() => placementImports.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The import matches on GMC number (trainee), trust and Date From.
    uniqueIndex("placements_trainee_trust_start_key").on(t.traineeId, t.trustId, t.startsOn),
    index("placements_trainee_dates_idx").on(t.traineeId, t.startsOn, t.endsOn),
    index("placements_trust_dates_idx").on(t.trustId, t.startsOn, t.endsOn),
    // Removing an upload sets import_id to null on its placements: without this it scans them all.
    index("placements_import_idx").on(t.importId),
    check("placements_dates_in_order", sql`${t.endsOn} >= ${t.startsOn}`),
    check("placements_wte_range", sql`${t.wte} >= 0.1 and ${t.wte} <= 1.0`),
  ],
);

export const opportunities = pgTable(
  "opportunities",
  {
    id: id(),
    trustId: uuid("trust_id")
      .notNull()
      .references(() => trusts.id),
    siteId: uuid("site_id").references(() => sites.id, { onDelete: "set null" }),
    type: opportunityTypeEnum("type").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull(),
    description: text("description").notNull(),
    objectiveId: uuid("objective_id").references(() => objectives.id),
    sponsorName: text("sponsor_name").notNull(),
    sponsorRole: text("sponsor_role").notNull(),
    startsOn: date("starts_on", { mode: "string" }).notNull(),
    endsOn: date("ends_on", { mode: "string" }).notNull(),
    totalHours: numeric("total_hours", { precision: 6, scale: 1 }).notNull(),
    hoursPerWeek: numeric("hours_per_week", { precision: 4, scale: 1 }).notNull(),
    seats: integer("seats").notNull(),
    applicationDeadline: date("application_deadline", { mode: "string" }).notNull(),
    eligibleGrades: gradeEnum("eligible_grades").array().notNull(),
    specialties: text("specialties").array().notNull().default(sql`'{}'::text[]`),
    ltftFriendly: boolean("ltft_friendly").notNull().default(false),
    multiprofessional: boolean("multiprofessional").notNull().default(false),
    tier: smallint("tier").notNull(),
    focus: focusEnum("focus").notNull(),
    hlmDimensions: hlmDimensionEnum("hlm_dimensions").array().notNull(),
    learningOutcomes: text("learning_outcomes").array().notNull(),
    status: opportunityStatusEnum("status").notNull().default("draft"),
    publishedAt: tstz("published_at"),
    closedAt: tstz("closed_at"),
    archivedAt: tstz("archived_at"),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    searchVector: tsvector("search_vector").notNull().default(sql`''::tsvector`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("opportunities_search_idx").using("gin", t.searchVector),
    // With the tier last, a search by region or system and tier (the "floor, not a ceiling"
    // tiers are its most used filter) reads only that tier's rows of the region's trusts.
    index("opportunities_trust_status_tier_idx").on(t.trustId, t.status, t.tier),
    index("opportunities_status_deadline_idx").on(t.status, t.applicationDeadline),
    index("opportunities_status_dates_idx").on(t.status, t.startsOn, t.endsOn),
    index("opportunities_eligible_grades_idx").using("gin", t.eligibleGrades),
    index("opportunities_objective_idx").on(t.objectiveId),
    check("opportunities_seats_range", sql`${t.seats} between 1 and 50`),
    check("opportunities_dates_in_order", sql`${t.endsOn} >= ${t.startsOn}`),
    check("opportunities_deadline_before_start", sql`${t.applicationDeadline} <= ${t.startsOn}`),
    check("opportunities_tier_range", sql`${t.tier} between 1 and 3`),
    check("opportunities_hours_positive", sql`${t.totalHours} > 0 and ${t.hoursPerWeek} > 0`),
    check("opportunities_has_grades", sql`cardinality(${t.eligibleGrades}) >= 1`),
    check("opportunities_has_dimensions", sql`cardinality(${t.hlmDimensions}) >= 1`),
    check("opportunities_has_outcomes", sql`cardinality(${t.learningOutcomes}) >= 1`),
    check("opportunities_qi_has_objective", sql`${t.type} <> 'qi_project' or ${t.objectiveId} is not null`),
    check("opportunities_chief_resident_tier", sql`${t.type} <> 'chief_resident' or ${t.tier} = 3`),
  ],
);

/**
 * How many published opportunities close on each day (their application deadline), kept by
 * statement triggers on opportunities (migration 0011) in the same transaction as the change.
 * The count of every open opportunity, which the unfiltered search shows on each of its
 * pages, is then a sum over the days still to come instead of a count of thousands of rows.
 */
export const publishedByDeadline = pgTable("published_by_deadline", {
  deadline: date("deadline", { mode: "string" }).primaryKey(),
  published: integer("published").notNull(),
});

export const opportunitySessions = pgTable(
  "opportunity_sessions",
  {
    id: id(),
    opportunityId: uuid("opportunity_id")
      .notNull()
      .references(() => opportunities.id, { onDelete: "cascade" }),
    date: date("date", { mode: "string" }).notNull(),
    startsAt: time("starts_at").notNull(),
    endsAt: time("ends_at").notNull(),
    location: text("location").notNull(),
  },
  (t) => [
    index("opportunity_sessions_opportunity_idx").on(t.opportunityId, t.date),
    check("opportunity_sessions_times_in_order", sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/**
 * An allocation round: between opens_at and closes_at its opportunities take ranked choices
 * instead of first-come applications; at the close one allocation (app/models/allocation.ts)
 * turns the choices into offers and waiting lists, exactly once.
 */
export const allocationRounds = pgTable(
  "allocation_rounds",
  {
    id: id(),
    name: text("name").notNull(),
    // The trust whose lead runs it; null for an admin's round across trusts (e.g. a whole ICS).
    trustId: uuid("trust_id").references(() => trusts.id),
    opensAt: tstz("opens_at").notNull(),
    closesAt: tstz("closes_at").notNull(),
    maxChoices: smallint("max_choices").notNull().default(5),
    // Set by an admin at creation, or drawn at random when the round closes; recorded so that
    // any allocation can be reproduced and audited.
    seed: text("seed"),
    status: roundStatusEnum("status").notNull().default("open"),
    allocatedAt: tstz("allocated_at"),
    // Null when the round closed by itself at its closing time.
    allocatedBy: text("allocated_by").references(() => users.id, { onDelete: "set null" }),
    cancelledAt: tstz("cancelled_at"),
    cancelledBy: text("cancelled_by").references(() => users.id, { onDelete: "set null" }),
    // At the close: the allocation's input and result in the format of scripts/allocate.ts, and
    // the comparison with first come, first served and deferred acceptance (ids only, no names).
    record: jsonb("record").$type<Record<string, unknown>>(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("allocation_rounds_status_idx").on(t.status, t.closesAt),
    index("allocation_rounds_trust_idx").on(t.trustId, t.closesAt),
    check("allocation_rounds_times_in_order", sql`${t.closesAt} > ${t.opensAt}`),
    check("allocation_rounds_max_choices_range", sql`${t.maxChoices} between 1 and 10`),
    check("allocation_rounds_allocated_has_seed", sql`${t.status} <> 'allocated' or (${t.seed} is not null and ${t.allocatedAt} is not null)`),
  ],
);

export const roundOpportunities = pgTable(
  "round_opportunities",
  {
    roundId: uuid("round_id")
      .notNull()
      .references(() => allocationRounds.id, { onDelete: "cascade" }),
    opportunityId: uuid("opportunity_id")
      .notNull()
      .references(() => opportunities.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.roundId, t.opportunityId] }),
    index("round_opportunities_opportunity_idx").on(t.opportunityId),
  ],
);

/**
 * A trainee's choice in a round: ranked 1..max_choices without gaps, with the statement the
 * lead reads (as an application's). A choice the trust declined stays, with its reason, and
 * drops out of the allocation. created_at is when the choice was first saved (first come,
 * first served is compared by it).
 */
export const roundPreferences = pgTable(
  "round_preferences",
  {
    roundId: uuid("round_id")
      .notNull()
      .references(() => allocationRounds.id, { onDelete: "cascade" }),
    traineeId: text("trainee_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    opportunityId: uuid("opportunity_id")
      .notNull()
      .references(() => opportunities.id, { onDelete: "cascade" }),
    rank: smallint("rank").notNull(),
    statement: text("statement").notNull().default(""),
    confidentialityAcceptedAt: tstz("confidentiality_accepted_at"),
    declinedAt: tstz("declined_at"),
    declinedBy: text("declined_by").references(() => users.id, { onDelete: "set null" }),
    declineReason: text("decline_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.roundId, t.traineeId, t.opportunityId] }),
    uniqueIndex("round_preferences_rank_key").on(t.roundId, t.traineeId, t.rank),
    index("round_preferences_opportunity_idx").on(t.opportunityId, t.roundId),
    check("round_preferences_rank_range", sql`${t.rank} between 1 and 10`),
    check("round_preferences_declined_has_reason", sql`${t.declinedAt} is null or ${t.declineReason} is not null`),
  ],
);

export const applications = pgTable(
  "applications",
  {
    id: id(),
    opportunityId: uuid("opportunity_id")
      .notNull()
      .references(() => opportunities.id),
    traineeId: text("trainee_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    statement: text("statement").notNull(),
    status: applicationStatusEnum("status").notNull().default("submitted"),
    confidentialityAcceptedAt: tstz("confidentiality_accepted_at"),
    roundId: uuid("round_id").references(() => allocationRounds.id, { onDelete: "set null" }),
    // A round's waiting list is ordered by its lottery (first-timers first); null otherwise.
    waitlistPosition: integer("waitlist_position"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One active application per trainee per opportunity; a withdrawn one may be followed by a new one.
    uniqueIndex("applications_one_active_key")
      .on(t.opportunityId, t.traineeId)
      .where(sql`${t.status} <> 'withdrawn'`),
    index("applications_opportunity_status_idx").on(t.opportunityId, t.status),
    index("applications_trainee_status_idx").on(t.traineeId, t.status),
    index("applications_status_updated_idx").on(t.status, t.updatedAt),
    index("applications_round_idx").on(t.roundId),
    // The seats an opportunity's applications hold (HOLDS_SEAT in applications.rules.ts; a test
    // keeps the two alike): every list of opportunities counts them per row, and this index
    // gives each count its two or three entries instead of every application.
    index("applications_seat_holding_idx")
      .on(t.opportunityId)
      .where(sql`${t.status} in ('offered', 'approved', 'completed')`),
  ],
);

export const applicationEvents = pgTable(
  "application_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id, { onDelete: "cascade" }),
    // Null when the service itself acted (e.g. promotion from the waitlist).
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    fromStatus: applicationStatusEnum("from_status"),
    toStatus: applicationStatusEnum("to_status").notNull(),
    reason: text("reason"),
    createdAt: createdAt(),
  },
  (t) => [index("application_events_application_idx").on(t.applicationId, t.createdAt)],
);

/**
 * A trainee's structured reflection on an opportunity they did (the Academy of Medical Royal
 * Colleges' shape: what happened, so what, now what), mapped to the Healthcare Leadership
 * Model and the GMC's Generic Professional Capabilities. A draft can be edited until the
 * trainee marks it final; it is the trainee's alone unless they share it (shared_at) with the
 * opportunity's trust (its leads, who sign off for the sponsor, and its DMEs). The rating and
 * recommendation reach staff only as an average over several trainees.
 */
export const reflections = pgTable(
  "reflections",
  {
    id: id(),
    applicationId: uuid("application_id")
      .notNull()
      .references(() => applications.id, { onDelete: "cascade" }),
    whatHappened: text("what_happened").notNull().default(""),
    soWhat: text("so_what").notNull().default(""),
    nowWhat: text("now_what").notNull().default(""),
    hlmDimensions: hlmDimensionEnum("hlm_dimensions").array().notNull().default(sql`'{}'::hlm_dimension[]`),
    gpcDomains: gpcDomainEnum("gpc_domains").array().notNull().default(sql`'{}'::gpc_domain[]`),
    // Null in a draft until chosen; required once final.
    rating: smallint("rating"),
    wouldRecommend: boolean("would_recommend"),
    finalisedAt: tstz("finalised_at"),
    sharedAt: tstz("shared_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("reflections_application_key").on(t.applicationId),
    index("reflections_finalised_idx").on(t.finalisedAt),
    check("reflections_rating_range", sql`${t.rating} is null or ${t.rating} between 1 and 5`),
    check(
      "reflections_final_is_complete",
      // The words are checked by the form; a closed account's final reflection keeps only its rating.
      sql`${t.finalisedAt} is null or (${t.rating} is not null and ${t.wouldRecommend} is not null)`,
    ),
    check("reflections_shared_when_final", sql`${t.sharedAt} is null or ${t.finalisedAt} is not null`),
  ],
);

/**
 * The trust's sign-off of an application, given by a trust lead for the opportunity's sponsor.
 * For a completed opportunity: the leadership dimensions the sponsor observed, strengths and one
 * suggested next step, shown to the trainee and part of the evidence. sponsor_feedback holds
 * why it was not completed (and the free feedback of sign-offs made before it was structured).
 */
export const completionSignoffs = pgTable(
  "completion_signoffs",
  {
    applicationId: uuid("application_id")
      .primaryKey()
      .references(() => applications.id, { onDelete: "cascade" }),
    outcome: completionOutcomeEnum("outcome").notNull(),
    sponsorFeedback: text("sponsor_feedback").notNull().default(""),
    observedDimensions: hlmDimensionEnum("observed_dimensions").array().notNull().default(sql`'{}'::hlm_dimension[]`),
    strengths: text("strengths").notNull().default(""),
    nextStep: text("next_step").notNull().default(""),
    signedOffBy: text("signed_off_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
);

/** A trainee's shortlist: opportunities saved for later ("Save for later"). */
export const savedOpportunities = pgTable(
  "saved_opportunities",
  {
    traineeId: text("trainee_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    opportunityId: uuid("opportunity_id")
      .notNull()
      .references(() => opportunities.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.traineeId, t.opportunityId] }), index("saved_opportunities_opportunity_idx").on(t.opportunityId)],
);

/**
 * A nudge from a trust's DME or lead to a placed trainee with nothing yet this training year,
 * pointing at opportunities at the trust. At most one per trainee per month, across trusts:
 * the sender's transaction locks the trainee's profile row before it checks the last month.
 */
export const nudges = pgTable(
  "nudges",
  {
    id: id(),
    traineeId: text("trainee_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    trustId: uuid("trust_id")
      .notNull()
      .references(() => trusts.id),
    sentBy: text("sent_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("nudges_trainee_idx").on(t.traineeId, t.createdAt), index("nudges_trust_idx").on(t.trustId, t.createdAt)],
);

/**
 * Every reminder sent, by its de-duplication key (kind and the ids and dates it is about, e.g.
 * "session_tomorrow:<user>:<session>:<date>"). The reminder job inserts the key in the same
 * transaction as the notification and e-mail it writes, and writes them only if the insert
 * added the row: so a reminder goes once across processes and restarts.
 */
export const remindersSent = pgTable(
  "reminders_sent",
  {
    key: text("key").primaryKey(),
    kind: text("kind").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [index("reminders_sent_user_idx").on(t.userId), index("reminders_sent_created_idx").on(t.createdAt)],
);

/** A kind of e-mail (OPTIONAL_EMAIL_KINDS in app/models/domain.ts) a person has turned off; in-app messages always arrive. */
export const emailOptOuts = pgTable(
  "email_opt_outs",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

/**
 * Secrets the service makes for itself when the environment gives none (the key that signs
 * unsubscribe links): one row each, created once, so every app process signs alike.
 */
export const serviceSecrets = pgTable("service_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: createdAt(),
});

/**
 * A notification is a fact: what happened (kind, and the application event it is about),
 * to whom (user), by whom (actor). It is worded when shown, so a name that changes or an
 * account that closes leaves no copy of itself behind (app/models/messages.ts).
 */
export const notifications = pgTable(
  "notifications",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    applicationId: uuid("application_id").references(() => applications.id, { onDelete: "cascade" }),
    eventId: bigint("event_id", { mode: "number" }).references(() => applicationEvents.id, { onDelete: "cascade" }),
    // For a message about a round (kind "round_event").
    roundId: uuid("round_id").references(() => allocationRounds.id, { onDelete: "cascade" }),
    // For a reminder or nudge about an opportunity, and for a nudge its row.
    opportunityId: uuid("opportunity_id").references(() => opportunities.id, { onDelete: "cascade" }),
    nudgeId: uuid("nudge_id").references(() => nudges.id, { onDelete: "cascade" }),
    // Null when the service itself acted, or the actor's account is gone.
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    // Ids and codes only (never names, addresses or free text): what the wording needs beyond the rows above.
    params: jsonb("params").$type<Record<string, string>>().notNull().default({}),
    readAt: tstz("read_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.readAt, t.createdAt),
    index("notifications_application_idx").on(t.applicationId),
    index("notifications_event_idx").on(t.eventId),
    index("notifications_round_idx").on(t.roundId),
    index("notifications_opportunity_idx").on(t.opportunityId),
    index("notifications_nudge_idx").on(t.nudgeId),
  ],
);

/**
 * E-mail waiting to be sent, stored as a fact like a notification: its kind, its recipient
 * (an account, or an address not yet an account for a staff invitation) and ids. The words
 * are composed when it is sent (app/models/emails.server.ts), so a message queued before an
 * account closed carries no name. `secret` holds a one-time link's token until it is sent,
 * and is then cleared; sent rows are deleted after 30 days by the daily clean-up.
 */
export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    recipientId: text("recipient_id").references(() => users.id, { onDelete: "cascade" }),
    toAddress: text("to_address"),
    applicationId: uuid("application_id").references(() => applications.id, { onDelete: "cascade" }),
    eventId: bigint("event_id", { mode: "number" }).references(() => applicationEvents.id, { onDelete: "cascade" }),
    invitationId: uuid("invitation_id").references(() => invitations.id, { onDelete: "cascade" }),
    roundId: uuid("round_id").references(() => allocationRounds.id, { onDelete: "cascade" }),
    opportunityId: uuid("opportunity_id").references(() => opportunities.id, { onDelete: "cascade" }),
    nudgeId: uuid("nudge_id").references(() => nudges.id, { onDelete: "cascade" }),
    params: jsonb("params").$type<Record<string, string>>().notNull().default({}),
    secret: text("secret"),
    status: outboxStatusEnum("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: tstz("next_attempt_at").notNull().defaultNow(),
    // A worker's claim: nobody else sends the row until the lease runs out.
    leaseId: uuid("lease_id"),
    leasedUntil: tstz("leased_until"),
    lastError: text("last_error"),
    sentAt: tstz("sent_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("email_outbox_pending_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index("email_outbox_recipient_idx").on(t.recipientId),
    index("email_outbox_application_idx").on(t.applicationId),
    index("email_outbox_invitation_idx").on(t.invitationId),
    index("email_outbox_round_idx").on(t.roundId),
    index("email_outbox_opportunity_idx").on(t.opportunityId),
    index("email_outbox_nudge_idx").on(t.nudgeId),
    index("email_outbox_sent_idx").on(t.sentAt),
    check("email_outbox_has_recipient", sql`${t.recipientId} is not null or ${t.toAddress} is not null`),
  ],
);

export const invitations = pgTable(
  "invitations",
  {
    id: id(),
    email: text("email").notNull(),
    name: text("name").notNull().default(""),
    role: roleEnum("role").notNull(),
    trustId: uuid("trust_id").references(() => trusts.id),
    // Only a SHA-256 of the token is kept: a database leak does not hand out accounts.
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    // Set when the invitation is for an existing account without a password (rotation import).
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    expiresAt: tstz("expires_at").notNull(),
    usedAt: tstz("used_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    index("invitations_email_idx").on(t.email),
    index("invitations_user_idx").on(t.userId),
    check("invitations_expiry_after_creation", sql`${t.expiresAt} > ${t.createdAt}`),
    check("invitations_trust_scope", sql`(${t.role} in ('trust_lead', 'dme')) = (${t.trustId} is not null)`),
  ],
);

export const loginAttempts = pgTable(
  "login_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    // What was tried: signing in, a password check on a signed-in page, a password-reset request.
    kind: text("kind").notNull().default("sign_in"),
    email: text("email").notNull(),
    ip: text("ip").notNull(),
    // Recorded as a failure before the password is checked (so parallel guesses count), set true after.
    succeeded: boolean("succeeded").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("login_attempts_email_idx").on(t.email, t.createdAt),
    index("login_attempts_ip_idx").on(t.ip, t.createdAt),
    index("login_attempts_created_idx").on(t.createdAt),
  ],
);

/** A password-reset link: only a SHA-256 of its token is kept; it works once, for an hour. */
export const passwordResets = pgTable(
  "password_resets",
  {
    id: id(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    usedAt: tstz("used_at"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("password_resets_token_hash_key").on(t.tokenHash),
    index("password_resets_user_idx").on(t.userId),
    index("password_resets_expires_idx").on(t.expiresAt),
  ],
);

/**
 * The baseline of a training year's measures of progress: the date an admin records (e.g. the
 * service's start) whose figures are shown beside "now". One per training year, by its 1 August.
 */
export const reportBaselines = pgTable(
  "report_baselines",
  {
    trainingYearStart: date("training_year_start", { mode: "string" }).primaryKey(),
    baselineOn: date("baseline_on", { mode: "string" }).notNull(),
    setBy: text("set_by").references(() => users.id, { onDelete: "set null" }),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("report_baselines_year_starts_1_august", sql`extract(month from ${t.trainingYearStart}) = 8 and extract(day from ${t.trainingYearStart}) = 1`),
    check("report_baselines_within_year", sql`${t.baselineOn} >= ${t.trainingYearStart} and ${t.baselineOn} < ${t.trainingYearStart} + interval '1 year'`),
  ],
);

/**
 * The measures of progress already computed (issue 11's speed): a report's aggregate figures by
 * a canonical key of its scope, training year, as-at date and filters, shared by every app
 * process. Read while computed within the last 10 minutes, else computed again; a scheduled
 * job keeps the default views fresh; the daily clean-up removes rows older than a day. Never
 * names: the list of a trust's trainees with nothing yet is always computed live.
 */
export const reportSnapshots = pgTable("report_snapshots", {
  key: text("key").primaryKey(),
  computedAt: tstz("computed_at").notNull(),
  data: jsonb("data").$type<Record<string, unknown>>().notNull(),
});

/**
 * Timed work (the daily clean-up, and later rounds closing and reminders): one row per job.
 * A process runs a job only after claiming its row, so it runs once across processes, and an
 * overdue job runs when a process starts.
 */
export const scheduledJobs = pgTable("scheduled_jobs", {
  name: text("name").primaryKey(),
  nextRunAt: tstz("next_run_at").notNull(),
  leasedUntil: tstz("leased_until"),
  lastStartedAt: tstz("last_started_at"),
  lastFinishedAt: tstz("last_finished_at"),
  // The error's class only: a failed run logs no data.
  lastError: text("last_error"),
});

/**
 * The audit trail (issue 13): who did what, and which member of staff opened which trainee's
 * personal data. Append-only: the app only inserts (migration 0008 revokes UPDATE, DELETE and
 * TRUNCATE from the app's role and a trigger refuses them for everyone else), so rows carry
 * ids, never names, e-mail addresses or free text, and no foreign keys (a closed account's id
 * stays, naming nobody; a cascade would be an update).
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: tstz("at").notNull().defaultNow(),
    // Who did it: a user id, or null for the service itself (a round closing, a clean-up).
    actorId: text("actor_id"),
    actorRole: roleEnum("actor_role"),
    // A dotted verb from AUDIT_ACTIONS in app/models/domain.ts: "application.approved", "application.viewed".
    action: text("action").notNull(),
    // What it was done to: "application", "opportunity", "round", "import", "invitation", "user", "trust".
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    // Whose personal data it touched, when a trainee's; the trust it happened in, when one.
    traineeId: text("trainee_id"),
    trustId: uuid("trust_id"),
    requestId: uuid("request_id"),
    // Non-personal facts only: statuses, counts, role names.
    details: jsonb("details").$type<Record<string, string | number | boolean | null>>().notNull().default({}),
  },
  (t) => [
    index("audit_events_at_idx").on(t.at),
    index("audit_events_actor_idx").on(t.actorId, t.at),
    index("audit_events_trainee_idx").on(t.traineeId, t.at),
    index("audit_events_trust_idx").on(t.trustId, t.at),
  ],
);

export const trustsRelations = relations(trusts, ({ many }) => ({
  sites: many(sites),
  opportunities: many(opportunities),
  objectives: many(objectives),
  staff: many(users),
}));
export const sitesRelations = relations(sites, ({ one }) => ({
  trust: one(trusts, { fields: [sites.trustId], references: [trusts.id] }),
}));
export const objectivesRelations = relations(objectives, ({ one }) => ({
  trust: one(trusts, { fields: [objectives.trustId], references: [trusts.id] }),
}));
export const usersRelations = relations(users, ({ one, many }) => ({
  trust: one(trusts, { fields: [users.trustId], references: [trusts.id] }),
  traineeProfile: one(traineeProfiles, { fields: [users.id], references: [traineeProfiles.userId] }),
  placements: many(placements),
}));
export const traineeProfilesRelations = relations(traineeProfiles, ({ one }) => ({
  user: one(users, { fields: [traineeProfiles.userId], references: [users.id] }),
}));
export const opportunitiesRelations = relations(opportunities, ({ one, many }) => ({
  trust: one(trusts, { fields: [opportunities.trustId], references: [trusts.id] }),
  site: one(sites, { fields: [opportunities.siteId], references: [sites.id] }),
  objective: one(objectives, { fields: [opportunities.objectiveId], references: [objectives.id] }),
  sessions: many(opportunitySessions),
}));
export const opportunitySessionsRelations = relations(opportunitySessions, ({ one }) => ({
  opportunity: one(opportunities, { fields: [opportunitySessions.opportunityId], references: [opportunities.id] }),
}));
export const placementsRelations = relations(placements, ({ one }) => ({
  trainee: one(users, { fields: [placements.traineeId], references: [users.id] }),
  trust: one(trusts, { fields: [placements.trustId], references: [trusts.id] }),
  site: one(sites, { fields: [placements.siteId], references: [sites.id] }),
}));
