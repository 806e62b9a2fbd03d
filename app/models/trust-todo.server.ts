// The trust lead's to-do list: what is waiting across all the trust's opportunities, each item
// with where it is done. Two queries however many opportunities the trust has: one grouping
// the opportunities' work by kind, one for the rounds closing soon.
import { sql } from "drizzle-orm";

import { queryRows, type DbOrTx } from "@db/client";

/** How far ahead a round counts as closing soon. */
export const ROUND_CLOSING_SOON_DAYS = 7;
/** Opportunities listed under one item at most; the count covers them all. */
const PER_ITEM = 10;

export type ToDoKind = "waiting" | "offered" | "sign_off" | "past_deadline";

export interface ToDoOpportunity {
  opportunityId: string;
  title: string;
  count: number;
  /** The London date of the oldest application waiting (submitted, offered), or the date it fell due (end date, deadline). */
  since: string;
}

export interface ToDoItem {
  kind: ToDoKind;
  count: number;
  since: string | null;
  opportunities: ToDoOpportunity[];
  more: number;
}

export interface TrustToDo {
  items: Record<ToDoKind, ToDoItem>;
  rounds: { id: string; name: string; closesAt: string; trustWide: boolean }[];
}

export async function getTrustToDo(db: DbOrTx, trustId: string, today: string, now: Date = new Date()): Promise<TrustToDo> {
  const [rows, rounds] = await Promise.all([
    queryRows<{ kind: ToDoKind; opportunity_id: string; title: string; n: number | string; since: string }>(
      db,
      sql`select a.kind, o.id as opportunity_id, o.title, a.n, a.since from (
          select 'waiting' as kind, opportunity_id, count(*) as n, (min(created_at) at time zone 'Europe/London')::date::text as since
            from applications where status = 'submitted' group by opportunity_id
          union all
          select 'offered', opportunity_id, count(*), (min(updated_at) at time zone 'Europe/London')::date::text
            from applications where status = 'offered' group by opportunity_id
          union all
          select 'sign_off', app.opportunity_id, count(*), min(opp.ends_on)::text
            from applications app join opportunities opp on opp.id = app.opportunity_id
            where app.status = 'approved' and opp.ends_on <= ${today}::date group by app.opportunity_id
        ) a join opportunities o on o.id = a.opportunity_id
        where o.trust_id = ${trustId}
        union all
        select 'past_deadline', o.id, o.title, 1, o.application_deadline::text
          from opportunities o where o.trust_id = ${trustId} and o.status = 'published' and o.application_deadline < ${today}::date
        order by 1, 5, 3`,
    ),
    queryRows<{ id: string; name: string; closes_at: string; trust_wide: boolean }>(
      db,
      sql`select r.id, r.name, r.closes_at::text as closes_at, r.trust_id is null as trust_wide from allocation_rounds r
        where r.status = 'open' and r.closes_at > ${now.toISOString()}::timestamptz
          and r.closes_at <= ${now.toISOString()}::timestamptz + make_interval(days => ${ROUND_CLOSING_SOON_DAYS})
          and (r.trust_id = ${trustId} or exists (
            select 1 from round_opportunities ro join opportunities o on o.id = ro.opportunity_id
            where ro.round_id = r.id and o.trust_id = ${trustId}))
        order by r.closes_at, r.name`,
    ),
  ]);
  const empty = (kind: ToDoKind): ToDoItem => ({ kind, count: 0, since: null, opportunities: [], more: 0 });
  const items: Record<ToDoKind, ToDoItem> = { waiting: empty("waiting"), offered: empty("offered"), sign_off: empty("sign_off"), past_deadline: empty("past_deadline") };
  for (const r of rows) {
    const item = items[r.kind];
    const n = Number(r.n);
    item.count += n;
    if (item.since === null || r.since < item.since) item.since = r.since;
    if (item.opportunities.length < PER_ITEM) item.opportunities.push({ opportunityId: r.opportunity_id, title: r.title, count: n, since: r.since });
    else item.more++;
  }
  return { items, rounds: rounds.map((r) => ({ id: r.id, name: r.name, closesAt: r.closes_at, trustWide: r.trust_wide })) };
}
