import { Link } from "@remix-run/react";

import type { ToDoItem, ToDoKind, TrustToDo } from "~/models/trust-todo.server";
import { formatDate, formatMoment } from "~/utils/dates";
import { plural } from "~/utils/plural";

const WORDS: Record<ToDoKind, { heading: (n: number) => string; since: (date: string) => string; line: (n: number) => string; href: (id: string) => string }> = {
  waiting: {
    heading: (n) => `${plural(n, "application")} waiting for a decision`,
    since: (d) => `The oldest was sent on ${d}`,
    line: (n) => `${n} waiting: offer, waitlist or decline`,
    href: (id) => `/trust/opportunities/${id}/applicants`,
  },
  offered: {
    heading: (n) => `${plural(n, "offer")} waiting for the director of medical education's approval`,
    since: (d) => `The oldest was offered on ${d}`,
    line: (n) => `${n} offered`,
    href: (id) => `/trust/opportunities/${id}/applicants`,
  },
  sign_off: {
    heading: (n) => `${plural(n, "sign-off")} due`,
    since: (d) => `The first ended on ${d}`,
    line: (n) => `${n} to sign off as completed or not`,
    href: (id) => `/trust/opportunities/${id}/applicants`,
  },
  past_deadline: {
    heading: (n) => `${plural(n, "opportunity", "opportunities")} past the application deadline and still published: close ${n === 1 ? "it" : "them"}`,
    since: (d) => `The earliest deadline was ${d}`,
    line: () => "close it to applications",
    href: (id) => `/trust/opportunities/${id}`,
  },
};

function Item({ item }: { item: ToDoItem }) {
  const w = WORDS[item.kind];
  return (
    <li className="app-todo__item">
      <h3 className="nhsuk-heading-s nhsuk-u-margin-bottom-1">{w.heading(item.count)}</h3>
      {item.since ? (
        <p className="nhsuk-body-s app-secondary-text nhsuk-u-margin-bottom-2">
          {w.since(formatDate(item.since))}
        </p>
      ) : null}
      <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
        {item.opportunities.map((o) => (
          <li key={o.opportunityId} className="nhsuk-u-margin-bottom-1">
            <Link to={w.href(o.opportunityId)}>{o.title}</Link>
            <span className="app-secondary-text">{item.kind === "past_deadline" ? ` (deadline ${formatDate(o.since)}): ${w.line(o.count)}` : ` (${w.line(o.count)})`}</span>
          </li>
        ))}
        {item.more ? <li className="app-secondary-text">{`and ${plural(item.more, "more opportunity", "more opportunities")}: see `}<Link to="/trust/opportunities">all opportunities</Link></li> : null}
      </ul>
    </li>
  );
}

/** The trust lead's to-do list on their home: only what is waiting, each with a link to where it is done. */
export function TrustToDoList({ todo }: { todo: TrustToDo }) {
  const items = (["waiting", "offered", "sign_off", "past_deadline"] as const).map((k) => todo.items[k]).filter((i) => i.count > 0);
  return (
    <section aria-labelledby="todo-heading" className="nhsuk-u-margin-bottom-6">
      <h2 id="todo-heading">Your to-do list</h2>
      {items.length || todo.rounds.length ? (
        <ul className="nhsuk-list app-todo">
          {items.map((i) => (
            <Item key={i.kind} item={i} />
          ))}
          {todo.rounds.length ? (
            <li className="app-todo__item">
              <h3 className="nhsuk-heading-s nhsuk-u-margin-bottom-1">{`${plural(todo.rounds.length, "allocation round")} closing in the next 7 days`}</h3>
              <ul className="nhsuk-list nhsuk-u-margin-bottom-0">
                {todo.rounds.map((r) => (
                  <li key={r.id} className="nhsuk-u-margin-bottom-1">
                    <Link to={`/rounds/${r.id}`}>{r.name}</Link>
                    <span className="app-secondary-text">
                      {" "}
                      (closes {formatMoment(r.closesAt)}
                      {r.trustWide ? "; a regional round with your opportunities in it" : ""})
                    </span>
                  </li>
                ))}
              </ul>
            </li>
          ) : null}
        </ul>
      ) : (
        <p>Nothing is waiting for you: no applications to decide, no sign-offs due and no rounds closing this week.</p>
      )}
    </section>
  );
}
