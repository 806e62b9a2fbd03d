import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Tag } from "~/components/nhsuk/tag";
import * as v from "valibot";

import { requireUser } from "~/auth.server";
import { MessageSummary, pageTitle } from "~/components/form-errors";
import { Pager } from "~/components/pager";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { UUID } from "~/models/accounts.schema";
import {
  countNotifications,
  internalLink,
  listNotifications,
  markNotificationsRead,
  NOTIFICATIONS_PAGE_SIZE,
  ownsNotification,
} from "~/models/notifications.server";
import { formatDateTime } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { plural } from "~/utils/plural";

export const meta: MetaFunction = () => [{ title: pageTitle("Notifications") }];

// An unusable page number is read as the first page: the query string is the user's to edit.
const PageSchema = v.fallback(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(10000)), 1);

function pageFrom(request: Request): number {
  return v.parse(PageSchema, new URL(request.url).searchParams.get("page") ?? "1");
}

function listPath(page: number, done?: "read" | "all"): string {
  const q = new URLSearchParams();
  if (page > 1) q.set("page", String(page));
  if (done) q.set("done", done);
  const query = q.toString();
  return query ? `/notifications?${query}` : "/notifications";
}

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args);
  const page = pageFrom(args.request);
  const db = await getDb();
  const { total, unread } = await countNotifications(db, user.id);
  const lastPage = Math.max(1, Math.ceil(total / NOTIFICATIONS_PAGE_SIZE));
  if (page > lastPage) {
    const done = new URL(args.request.url).searchParams.get("done");
    throw redirect(listPath(lastPage, done === "read" || done === "all" ? done : undefined));
  }
  const rows = await listNotifications(db, user.id, page);
  // Only a path on this site becomes a link: the browser never sees any other value.
  const items = rows.map(({ link, ...n }) => ({ ...n, href: internalLink(link) }));
  return json({ items, total, unread, page, lastPage });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args);
  const page = pageFrom(args.request);
  const form = await args.request.formData();
  const intent = form.get("intent");
  const db = await getDb();

  if (intent === "read-all") {
    await markNotificationsRead(db, user.id);
    return redirect(listPath(page, "all"));
  }
  if (intent !== "read") return json({ message: "Choose which notifications to mark as read" }, { status: 400 });

  // Checked before any query: a value that is not a UUID never reaches PostgreSQL as one.
  const id = form.get("id");
  if (typeof id !== "string" || !UUID.test(id)) return json({ message: "Choose a notification to mark as read" }, { status: 400 });
  const changed = await markNotificationsRead(db, user.id, id);
  // Nothing changed: either it was read already (a second click, another tab), which is
  // fine, or it is not this user's, which is answered exactly like one that does not exist.
  if (changed === 0 && !(await ownsNotification(db, user.id, id))) throw notFound();
  return redirect(listPath(page, "read"));
}

export default function Notifications() {
  const { items, total, unread, page, lastPage } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const formAction = listPath(page);
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        {done && !actionData ? (
          <SuccessBanner>
            {done === "all" ? "All your notifications are marked as read." : "The notification is marked as read."}
          </SuccessBanner>
        ) : null}
        <MessageSummary message={actionData?.message} href="#notifications" />
        <h1>Notifications</h1>
        <p>
          <Link to="/account/notifications">Choose which notifications you also get by e-mail</Link>
        </p>
        {total === 0 ? (
          <p>You have no notifications.</p>
        ) : (
          <>
            <p>
              {unread === 0
                ? "You have read all your notifications."
                : `You have ${plural(unread, "unread notification")}.`}
            </p>
            {unread > 0 ? (
              <Form method="post" action={formAction}>
                <input type="hidden" name="intent" value="read-all" />
                <Button type="submit" secondary>
                  Mark all as read
                </Button>
              </Form>
            ) : null}
            <ul className="nhsuk-list nhsuk-list--border" id="notifications">
              {items.map((n) => (
                <li key={n.id}>
                  <h2 className="nhsuk-heading-s nhsuk-u-margin-bottom-2">
                    {n.readAt ? null : (
                      <>
                        <Tag modifier="blue">New</Tag>{" "}
                      </>
                    )}
                    {n.href ? <Link to={n.href}>{n.title}</Link> : n.title}
                  </h2>
                  <p className="nhsuk-u-margin-bottom-2">{n.body}</p>
                  <p className="nhsuk-body-s nhsuk-u-secondary-text-colour nhsuk-u-margin-bottom-2">
                    <time dateTime={n.createdAt}>{formatDateTime(n.createdAt)}</time>
                  </p>
                  {n.readAt ? null : (
                    <Form method="post" action={formAction}>
                      <input type="hidden" name="intent" value="read" />
                      <input type="hidden" name="id" value={n.id} />
                      <Button type="submit" secondary small className="nhsuk-u-margin-bottom-2">
                        Mark as read<span className="nhsuk-u-visually-hidden">{`: ${n.title}`}</span>
                      </Button>
                    </Form>
                  )}
                </li>
              ))}
            </ul>
            <Pager page={page} lastPage={lastPage} href={listPath} />
          </>
        )}
      </div>
    </div>
  );
}
