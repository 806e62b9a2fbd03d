// What a stored reminder (a notification or an outbox row of a reminder kind) is about, read
// from the rows as they are now: for its words, and for the outbox's check that it still
// holds before it is sent. Kept apart from reminders.server.ts (which writes them) so that the
// outbox and the notifications page can use it without importing the outbox back.
import { sql } from "drizzle-orm";

import { queryRows, type DbOrTx } from "@db/client";

import { UUID } from "./accounts.schema";
import { REMINDER_KINDS, type ReminderKind } from "./domain";
import type { ReminderFacts } from "./messages";
import {
  deadlinePassedDue,
  londonDay,
  reflectionDue,
  roundClosingDue,
  sessionStillAhead,
  shortlistDeadlineDue,
  waitingDue,
} from "./reminder-timing";

export function isReminderKind(kind: string): kind is ReminderKind {
  return (REMINDER_KINDS as readonly string[]).includes(kind);
}

/** A reminder as stored: what it is about by id. */
export interface StoredReminder {
  kind: ReminderKind;
  userId: string;
  applicationId: string | null;
  opportunityId: string | null;
  roundId: string | null;
  params: Record<string, string>;
}

const uuids = (values: (string | null | undefined)[]) => [...new Set(values.filter((v): v is string => typeof v === "string" && UUID.test(v)))];

function uuidArray(ids: string[]) {
  return sql`array[${sql.join(ids.map((id) => sql`${id}`), sql`, `)}]::uuid[]`;
}

/** The facts of many reminders in four queries at most (a page of notifications holds up to 50). */
export async function reminderFacts(db: DbOrTx, rows: readonly StoredReminder[]): Promise<ReminderFacts[]> {
  const applicationIds = uuids(rows.map((r) => r.applicationId));
  const opportunityIds = uuids(rows.map((r) => r.opportunityId));
  const roundIds = uuids(rows.map((r) => r.roundId));
  const sessionIds = uuids(rows.map((r) => r.params.sessionId));
  const [opps, rounds, apps, sessions] = await Promise.all([
    opportunityIds.length
      ? queryRows<{ id: string; title: string; deadline: string }>(
          db,
          sql`select id::text as id, title, application_deadline::text as deadline from opportunities where id = any(${uuidArray(opportunityIds)})`,
        )
      : [],
    roundIds.length
      ? queryRows<{ id: string; name: string; closes_ms: number }>(
          db,
          sql`select id::text as id, name, (extract(epoch from closes_at) * 1000)::float8 as closes_ms from allocation_rounds where id = any(${uuidArray(roundIds)})`,
        )
      : [],
    applicationIds.length
      ? queryRows<{ id: string; opportunity_id: string; trainee_name: string | null }>(
          db,
          sql`select a.id::text as id, a.opportunity_id::text as opportunity_id,
                case when tp.anonymised_at is null then u.name end as trainee_name
              from applications a join users u on u.id = a.trainee_id left join trainee_profiles tp on tp.user_id = a.trainee_id
              where a.id = any(${uuidArray(applicationIds)})`,
        )
      : [],
    sessionIds.length
      ? queryRows<{ id: string; date: string; starts_at: string; location: string }>(
          db,
          sql`select id::text as id, date::text as date, starts_at::text as starts_at, location from opportunity_sessions where id = any(${uuidArray(sessionIds)})`,
        )
      : [],
  ]);
  const oppById = new Map(opps.map((o) => [o.id, o]));
  const roundById = new Map(rounds.map((r) => [r.id, r]));
  const appById = new Map(apps.map((a) => [a.id, a]));
  const sessionById = new Map(sessions.map((s) => [s.id, s]));
  return rows.map((r) => {
    const app = r.applicationId ? appById.get(r.applicationId) : undefined;
    const opp = oppById.get(r.opportunityId ?? app?.opportunity_id ?? "");
    const round = r.roundId ? roundById.get(r.roundId) : undefined;
    const session = r.params.sessionId ? sessionById.get(r.params.sessionId) : undefined;
    return {
      kind: r.kind,
      opportunityId: r.opportunityId ?? app?.opportunity_id ?? null,
      applicationId: r.applicationId,
      roundId: r.roundId,
      opportunityTitle: opp?.title ?? null,
      roundName: round?.name ?? null,
      deadline: opp?.deadline ?? r.params.deadline ?? null,
      closesAt: round ? new Date(Number(round.closes_ms)) : null,
      // A session moved to another day is no longer the one this reminder was about.
      session: session && session.date === r.params.date ? { date: session.date, startsAt: session.starts_at, location: session.location } : null,
      traineeName: app?.trainee_name ?? null,
    };
  });
}

/**
 * Whether the reminder is still true at `now`, checked when its e-mail is about to be sent:
 * an application decided, an offer approved, a session removed or moved, a reflection
 * finalised, an opportunity closed or applied for, a round ranked or closed since the job
 * wrote it means the e-mail is not sent. The same rules as the job's queries (reminder-timing.ts).
 */
export async function reminderStillHolds(db: DbOrTx, r: StoredReminder, now: Date = new Date()): Promise<boolean> {
  const today = londonDay(now);
  const one = async (query: ReturnType<typeof sql>) => (await queryRows<{ ok: number }>(db, query)).length > 0;
  switch (r.kind) {
    case "shortlist_deadline": {
      const deadline = r.params.deadline;
      if (!r.opportunityId || !deadline || !shortlistDeadlineDue(deadline, now)) return false;
      return one(sql`select 1 as ok from saved_opportunities s join opportunities o on o.id = s.opportunity_id
        where s.trainee_id = ${r.userId} and o.id = ${r.opportunityId}::uuid and o.status = 'published'
          and o.application_deadline = ${deadline}::date
          and not exists (select 1 from applications a where a.opportunity_id = o.id and a.trainee_id = s.trainee_id and a.status <> 'withdrawn')`);
    }
    case "round_closing": {
      if (!r.roundId) return false;
      const [round] = await queryRows<{ closes_ms: number }>(
        db,
        sql`select (extract(epoch from closes_at) * 1000)::float8 as closes_ms from allocation_rounds r
          where r.id = ${r.roundId}::uuid and r.status = 'open'
            and not exists (select 1 from round_preferences p where p.round_id = r.id and p.trainee_id = ${r.userId})`,
      );
      return Boolean(round) && roundClosingDue(new Date(Number(round!.closes_ms)), now);
    }
    case "session_tomorrow": {
      const { sessionId, date } = r.params;
      if (!r.opportunityId || !sessionId || !UUID.test(sessionId) || !date || !sessionStillAhead(date, now)) return false;
      return one(sql`select 1 as ok from opportunity_sessions s join opportunities o on o.id = s.opportunity_id
        where s.id = ${sessionId}::uuid and s.opportunity_id = ${r.opportunityId}::uuid and s.date = ${date}::date and o.status <> 'archived'
          and exists (select 1 from applications a where a.opportunity_id = o.id and a.trainee_id = ${r.userId} and a.status = 'approved')`);
    }
    case "application_waiting":
    case "offer_waiting": {
      if (!r.applicationId || !r.params.eventId) return false;
      const [last] = await queryRows<{ id: string; changed_ms: number }>(
        db,
        sql`select e.id::text as id, (extract(epoch from e.created_at) * 1000)::float8 as changed_ms
          from applications a
          join opportunities o on o.id = a.opportunity_id
          join users staff on staff.id = ${r.userId} and staff.trust_id = o.trust_id
            and staff.role = ${r.kind === "application_waiting" ? "trust_lead" : "dme"}
          join lateral (select id, created_at from application_events where application_id = a.id order by created_at desc, id desc limit 1) e on true
          where a.id = ${r.applicationId}::uuid and a.status = ${r.kind === "application_waiting" ? "submitted" : "offered"}`,
      );
      return Boolean(last) && last!.id === r.params.eventId && waitingDue(new Date(Number(last!.changed_ms)), now);
    }
    case "reflection_due": {
      if (!r.applicationId) return false;
      const [signoff] = await queryRows<{ signed_ms: number }>(
        db,
        sql`select (extract(epoch from c.created_at) * 1000)::float8 as signed_ms
          from applications a join completion_signoffs c on c.application_id = a.id and c.outcome = 'completed'
          where a.id = ${r.applicationId}::uuid and a.trainee_id = ${r.userId} and a.status = 'completed'
            and not exists (select 1 from reflections f where f.application_id = a.id and f.finalised_at is not null)`,
      );
      return Boolean(signoff) && reflectionDue(new Date(Number(signoff!.signed_ms)), now);
    }
    case "deadline_passed": {
      const deadline = r.params.deadline;
      if (!r.opportunityId || !deadline || !deadlinePassedDue(deadline, now)) return false;
      return one(sql`select 1 as ok from opportunities o join users lead on lead.id = ${r.userId} and lead.trust_id = o.trust_id and lead.role = 'trust_lead'
        where o.id = ${r.opportunityId}::uuid and o.status = 'published' and o.application_deadline = ${deadline}::date and o.application_deadline < ${today}::date`);
    }
  }
}
