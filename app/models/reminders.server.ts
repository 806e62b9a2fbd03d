// The seven reminders (REMINDER_KINDS), found and written by one scheduled job. Each has a
// de-duplication key in reminders_sent, inserted in the same transaction as its notification
// and e-mail, which are written only when the key was new: with two app processes running the
// job at once, or the job running again after a restart, no reminder goes twice. The job runs at
// start-up, so a reminder missed while the service was down goes out then, if still true;
// the e-mail is checked again when the outbox sends it (reminder-facts.server.ts).
import { sql } from "drizzle-orm";

import { queryRows, type Db, type DbOrTx } from "@db/client";
import { remindersSent } from "@db/schema";

import type { ScheduledJob } from "~/scheduler.server";

import type { ReminderKind } from "./domain";
import { createNotifications, type NewNotification } from "./notifications.server";
import { queueEmails, type EmailFact } from "./outbox.server";
import { eligibleOpportunityInRound } from "./round-choices.server";
import { reminderWindow } from "./reminder-timing";

/** One reminder to one person, about rows named by id. */
export interface DueReminder {
  key: string;
  kind: ReminderKind;
  userId: string;
  applicationId?: string;
  opportunityId?: string;
  roundId?: string;
  params: Record<string, string>;
}

type Row = Record<string, string>;

// Recipients are active accounts only: a disabled or closed account is sent nothing.
const ACTIVE = (alias: string) => sql.raw(`${alias}.disabled_at is null`);

/** Every reminder due at `now`, whether sent already or not (the keys decide that). */
export async function findDueReminders(db: DbOrTx, now: Date): Promise<DueReminder[]> {
  const w = reminderWindow(now);
  const nowIso = now.toISOString();
  const [shortlist, rounds, sessions, waiting, reflections, passed] = await Promise.all([
    // Deadline within 3 days (not yet passed) of an opportunity on the trainee's shortlist, not applied for.
    queryRows<Row>(
      db,
      sql`select s.trainee_id as "userId", o.id::text as "opportunityId", o.application_deadline::text as deadline
        from saved_opportunities s
        join opportunities o on o.id = s.opportunity_id
        join users u on u.id = s.trainee_id
        where o.status = 'published' and o.application_deadline between ${w.today}::date and ${w.shortlistDeadlineUpTo}::date
          and ${ACTIVE("u")}
          and not exists (select 1 from applications a where a.opportunity_id = o.id and a.trainee_id = s.trainee_id and a.status <> 'withdrawn')`,
    ),
    // A round closing within 2 days, to trainees placed now or next at one of its opportunities'
    // trusts who could choose one of them (the rules of the trainee's own list of open rounds)
    // and have chosen none.
    queryRows<Row>(
      db,
      sql`select trainee_profiles.user_id as "userId", allocation_rounds.id::text as "roundId",
          (extract(epoch from allocation_rounds.closes_at) * 1000)::bigint::text as "closesMs"
        from allocation_rounds
        join trainee_profiles on exists (
          select 1 from placements p
          join opportunities ro_o on ro_o.trust_id = p.trust_id
          join round_opportunities ro on ro.opportunity_id = ro_o.id and ro.round_id = allocation_rounds.id
          where p.trainee_id = trainee_profiles.user_id and p.ends_on >= ${w.today}::date)
        join users u on u.id = trainee_profiles.user_id
        where allocation_rounds.status = 'open' and allocation_rounds.opens_at <= ${nowIso}::timestamptz
          and allocation_rounds.closes_at > ${nowIso}::timestamptz and allocation_rounds.closes_at <= ${w.roundClosingBy.toISOString()}::timestamptz
          and ${ACTIVE("u")} and trainee_profiles.anonymised_at is null
          and not exists (select 1 from round_preferences rp where rp.round_id = allocation_rounds.id and rp.trainee_id = trainee_profiles.user_id)
          and ${eligibleOpportunityInRound(sql`allocation_rounds.id`, sql`trainee_profiles.user_id`, w.today)}`,
    ),
    // A dated session tomorrow (London) of an opportunity the trainee is approved for.
    queryRows<Row>(
      db,
      sql`select a.trainee_id as "userId", o.id::text as "opportunityId", s.id::text as "sessionId", s.date::text as date
        from opportunity_sessions s
        join opportunities o on o.id = s.opportunity_id
        join applications a on a.opportunity_id = o.id and a.status = 'approved'
        join users u on u.id = a.trainee_id
        where s.date = ${w.tomorrow}::date and o.status <> 'archived' and ${ACTIVE("u")}`,
    ),
    // An application undecided, or an offer unapproved, 5 working days after its last change:
    // to the opportunity's trust's leads, or its DMEs.
    queryRows<Row>(
      db,
      sql`select staff.id as "userId", a.id::text as "applicationId", o.id::text as "opportunityId", e.id::text as "eventId",
          case a.status when 'submitted' then 'application_waiting' else 'offer_waiting' end as kind
        from applications a
        join opportunities o on o.id = a.opportunity_id
        join lateral (select id, created_at from application_events where application_id = a.id order by created_at desc, id desc limit 1) e on true
        join users staff on staff.trust_id = o.trust_id
          and staff.role = (case a.status when 'submitted' then 'trust_lead' else 'dme' end)::role
        where a.status in ('submitted', 'offered')
          and (e.created_at at time zone 'Europe/London')::date <= ${w.waitingChangedOnOrBefore}::date
          and ${ACTIVE("staff")}`,
    ),
    // Completed (signed off as completed) 7 to 30 days ago, with no final reflection.
    queryRows<Row>(
      db,
      sql`select a.trainee_id as "userId", a.id::text as "applicationId", a.opportunity_id::text as "opportunityId"
        from completion_signoffs c
        join applications a on a.id = c.application_id and a.status = 'completed'
        join users u on u.id = a.trainee_id
        where c.outcome = 'completed'
          and (c.created_at at time zone 'Europe/London')::date between ${w.reflectionSignedOffFrom}::date and ${w.reflectionSignedOffTo}::date
          and ${ACTIVE("u")}
          and not exists (select 1 from reflections f where f.application_id = a.id and f.finalised_at is not null)`,
    ),
    // Past its application deadline and still published: the trust's leads are asked to close it.
    queryRows<Row>(
      db,
      sql`select lead.id as "userId", o.id::text as "opportunityId", o.application_deadline::text as deadline
        from opportunities o
        join users lead on lead.trust_id = o.trust_id and lead.role = 'trust_lead'
        where o.status = 'published' and o.application_deadline < ${w.today}::date and ${ACTIVE("lead")}`,
    ),
  ]);
  const due: DueReminder[] = [];
  for (const r of shortlist) {
    due.push({ key: `shortlist_deadline:${r.userId}:${r.opportunityId}:${r.deadline}`, kind: "shortlist_deadline", userId: r.userId!, opportunityId: r.opportunityId, params: { deadline: r.deadline! } });
  }
  for (const r of rounds) {
    // Keyed by the closing time: a round moved later is worth one more reminder before its new close.
    due.push({ key: `round_closing:${r.userId}:${r.roundId}:${r.closesMs}`, kind: "round_closing", userId: r.userId!, roundId: r.roundId, params: {} });
  }
  for (const r of sessions) {
    due.push({
      key: `session_tomorrow:${r.userId}:${r.sessionId}:${r.date}`,
      kind: "session_tomorrow",
      userId: r.userId!,
      opportunityId: r.opportunityId,
      params: { sessionId: r.sessionId!, date: r.date! },
    });
  }
  for (const r of waiting) {
    const kind = r.kind as "application_waiting" | "offer_waiting";
    // Keyed by the last event: an application that changes and then waits again is reminded of again.
    due.push({ key: `${kind}:${r.userId}:${r.applicationId}:${r.eventId}`, kind, userId: r.userId!, applicationId: r.applicationId, opportunityId: r.opportunityId, params: { eventId: r.eventId! } });
  }
  for (const r of reflections) {
    due.push({ key: `reflection_due:${r.userId}:${r.applicationId}`, kind: "reflection_due", userId: r.userId!, applicationId: r.applicationId, opportunityId: r.opportunityId, params: {} });
  }
  for (const r of passed) {
    due.push({ key: `deadline_passed:${r.userId}:${r.opportunityId}:${r.deadline}`, kind: "deadline_passed", userId: r.userId!, opportunityId: r.opportunityId, params: { deadline: r.deadline! } });
  }
  // One order for every process, so two transactions inserting the same keys wait on each other
  // in the same order and never deadlock.
  return due.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const BATCH = 500;

/**
 * Writes each due reminder whose key is new: key, notification and e-mail in one transaction
 * per batch. A second process inserting the same keys waits for the first to commit, then
 * finds them taken and writes nothing. Returns how many were written.
 */
export async function sendDueReminders(db: Db, now: Date = new Date()): Promise<number> {
  const due = await findDueReminders(db, now);
  let written = 0;
  for (let i = 0; i < due.length; i += BATCH) {
    const batch = due.slice(i, i + BATCH);
    written += await db.transaction(async (tx) => {
      const fresh = await tx
        .insert(remindersSent)
        .values(batch.map((r) => ({ key: r.key, kind: r.kind, userId: r.userId })))
        .onConflictDoNothing({ target: remindersSent.key })
        .returning({ key: remindersSent.key });
      if (!fresh.length) return 0;
      const keys = new Set(fresh.map((f) => f.key));
      const mine = batch.filter((r) => keys.has(r.key));
      await createNotifications(tx, mine.map(notificationOf));
      await queueEmails(tx, mine.map(emailOf));
      return mine.length;
    });
  }
  return written;
}

function notificationOf(r: DueReminder): NewNotification {
  return { userId: r.userId, kind: r.kind, applicationId: r.applicationId, opportunityId: r.opportunityId, roundId: r.roundId, params: r.params };
}

function emailOf(r: DueReminder): EmailFact {
  return { kind: r.kind, recipientId: r.userId, applicationId: r.applicationId, opportunityId: r.opportunityId, roundId: r.roundId, params: r.params };
}

/**
 * Every 10 minutes, and at start-up (a job's row is due at once when first registered, and
 * an overdue one runs when a process starts): a session tomorrow is found within 10 minutes
 * of midnight, and nothing waits long after it falls due.
 */
export const remindersJob: ScheduledJob = {
  name: "send-reminders",
  next: (from) => new Date(from.getTime() + 10 * 60_000),
  leaseMs: 10 * 60_000,
  async run(db, now) {
    const written = await sendDueReminders(db, now);
    if (written) console.log(`Reminders written: ${written}`);
  },
};
