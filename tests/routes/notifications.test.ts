// /notifications and the header count: guards, statuses, scoping to the owner, and the
// server-rendered HTML that has to work without JavaScript.
import type { AppLoadContext } from "@remix-run/node";
import { and, eq, isNull } from "drizzle-orm";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { useLoaderData } from "react-router-dom";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { beforeEach, describe, expect, it } from "vitest";

import { notifications } from "@db/schema";
import { SiteHeader, type HeaderUser } from "~/components/site-header";
import { NOTIFICATIONS_PAGE_SIZE } from "~/models/notifications.server";
import * as root from "~/root";
import * as page from "~/routes/notifications";

import { useTestDatabase } from "../helpers/db";
import { callRoute, contextFor, formRequest, getRequest, sessionCookieFor } from "../helpers/context";
import { approvedTitle, makeNotifications, makeTrainee, makeTrust, makeUser } from "../helpers/factories";

const t = useTestDatabase();

async function person(role: "trainee" | "trust_lead" | "dme" | "admin" = "trainee") {
  const user =
    role === "trainee"
      ? await makeTrainee(t.db)
      : await makeUser(t.db, { role, trustId: role === "admin" ? null : (await makeTrust(t.db)).id });
  return { id: user.id, cookie: await sessionCookieFor(t.db, user.id) };
}

// Every notification a test writes is a minute after the one before, so the newest is known.
let minutes = 0;
beforeEach(() => {
  minutes = 0;
});

/** Notifications a minute apart, the last one newest; titles in `read` are read already. */
async function notify(userId: string, titles: string[], options: { read?: string[] } = {}) {
  const start = new Date(Date.UTC(2027, 0, 1, 9, minutes));
  minutes += titles.length;
  return makeNotifications(t.db, userId, titles, { ...options, start });
}

async function unreadOf(userId: string) {
  const rows = await t.db.select({ id: notifications.id }).from(notifications).where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return rows.length;
}

type Listing = {
  items: { id: string; title: string; body: string; href: string | null; readAt: string | null; createdAt: string }[];
  total: number;
  unread: number;
  page: number;
  lastPage: number;
};

describe("the notifications page", () => {
  it("sends a signed-out visitor to sign in, for the page and for marking", async () => {
    const list = await callRoute(t.db, page.loader, getRequest("/notifications?page=2"));
    expect(list.status).toBe(302);
    expect(list.headers.get("Location")).toBe("/sign-in?redirectTo=%2Fnotifications%3Fpage%3D2");
    const mark = await callRoute(t.db, page.action, formRequest("/notifications", { intent: "read-all" }));
    expect(mark.status).toBe(302);
    expect(mark.headers.get("Location")).toMatch(/^\/sign-in\?/);
  });

  it.each(["trainee", "trust_lead", "dme", "admin"] as const)("opens for a %s", async (role) => {
    const me = await person(role);
    const res = await callRoute(t.db, page.loader, getRequest("/notifications", me.cookie));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ items: [], total: 0, unread: 0, page: 1, lastPage: 1 });
  });

  it("lists only the user's own, newest first, each linking to the application it is about", async () => {
    const me = await person();
    const other = await person("admin");
    await notify(me.id, ["first", "second"], { read: ["first"] });
    await notify(other.id, ["not mine"]);
    const res = await callRoute(t.db, page.loader, getRequest("/notifications", me.cookie));
    const data = (await res.json()) as Listing;
    expect(data.items.map((n) => [n.title, n.readAt === null])).toEqual([
      [approvedTitle("second"), true],
      [approvedTitle("first"), false],
    ]);
    for (const n of data.items) expect(n.href).toMatch(/^\/applications\/[0-9a-f-]{36}$/);
    expect(data).toMatchObject({ total: 2, unread: 1 });
    expect(data.items[0]).not.toHaveProperty("link");
  });

  it("pages 50 at a time and sends a page past the end to the last one", async () => {
    const me = await person();
    await notify(me.id, Array.from({ length: NOTIFICATIONS_PAGE_SIZE + 1 }, (_, i) => `n${i}`));
    const second = (await (await callRoute(t.db, page.loader, getRequest("/notifications?page=2", me.cookie))).json()) as Listing;
    expect(second).toMatchObject({ page: 2, lastPage: 2 });
    expect(second.items.map((n) => n.title)).toEqual([approvedTitle("n0")]);
    const past = await callRoute(t.db, page.loader, getRequest("/notifications?page=9", me.cookie));
    expect(past.status).toBe(302);
    expect(past.headers.get("Location")).toBe("/notifications?page=2");
    const nonsense = await callRoute(t.db, page.loader, getRequest("/notifications?page=abc", me.cookie));
    expect(((await nonsense.json()) as Listing).page).toBe(1);
  });
});

describe("marking notifications as read", () => {
  it("marks one of the user's own and comes back to the same page", async () => {
    const me = await person();
    const ids = await notify(me.id, ["a", "b"]);
    const res = await callRoute(t.db, page.action, formRequest("/notifications?page=1", { intent: "read", id: ids.a! }, me.cookie));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/notifications?done=read");
    const rows = await t.db.select().from(notifications);
    expect(rows.map((r) => [r.id, r.readAt !== null]).sort()).toEqual([[ids.a!, true], [ids.b!, false]].sort());
  });

  it("accepts a second click on one already read", async () => {
    const me = await person();
    const ids = await notify(me.id, ["a"], { read: ["a"] });
    const res = await callRoute(t.db, page.action, formRequest("/notifications", { intent: "read", id: ids.a! }, me.cookie));
    expect(res.status).toBe(302);
  });

  it("answers 404 for another user's notification, or one that does not exist, and changes nothing", async () => {
    const me = await person();
    const other = await person("dme");
    const theirs = await notify(other.id, ["theirs"]);
    const res = await callRoute(t.db, page.action, formRequest("/notifications", { intent: "read", id: theirs.theirs! }, me.cookie));
    expect(res.status).toBe(404);
    const [row] = await t.db.select().from(notifications).where(eq(notifications.id, theirs.theirs!));
    expect(row!.readAt).toBeNull();
    const missing = await callRoute(t.db, page.action, formRequest("/notifications", { intent: "read", id: "00000000-0000-4000-8000-000000000000" }, me.cookie));
    expect(missing.status).toBe(404);
  });

  it.each([["nonsense"], ["' or 1=1 --"], [""], ["00000000-0000-4000-8000-00000000000g"]])(
    "answers 400, not a database error, for the malformed id %j",
    async (id) => {
      const me = await person();
      await notify(me.id, ["a"]);
      const res = await callRoute(t.db, page.action, formRequest("/notifications", { intent: "read", id }, me.cookie));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toBe("Choose a notification to mark as read");
      expect(await unreadOf(me.id)).toBe(1);
    },
  );

  it("answers 400 for a missing id or an unknown intent", async () => {
    const me = await person();
    expect((await callRoute(t.db, page.action, formRequest("/notifications", { intent: "read" }, me.cookie))).status).toBe(400);
    expect((await callRoute(t.db, page.action, formRequest("/notifications", { intent: "delete" }, me.cookie))).status).toBe(400);
  });

  it("marks all of the user's own, and nobody else's", async () => {
    const me = await person();
    const other = await person("trust_lead");
    await notify(me.id, ["a", "b", "c"], { read: ["a"] });
    await notify(other.id, ["theirs"]);
    const res = await callRoute(t.db, page.action, formRequest("/notifications?page=2", { intent: "read-all" }, me.cookie));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/notifications?page=2&done=all");
    const unread = await t.db.select({ userId: notifications.userId }).from(notifications).where(isNull(notifications.readAt));
    expect(unread).toEqual([{ userId: other.id }]);
  });
});

describe("the root loader", () => {
  it("gives the header the signed-in user's unread count, and nothing when signed out", async () => {
    const me = await person();
    const other = await person("admin");
    await notify(me.id, ["a", "b", "c"], { read: ["a"] });
    await notify(other.id, ["theirs"]);
    const signedIn = await callRoute(t.db, root.loader, getRequest("/", me.cookie));
    expect(((await signedIn.json()) as { user: HeaderUser }).user).toMatchObject({ role: "trainee", unread: 2 });
    const signedOut = await callRoute(t.db, root.loader, getRequest("/"));
    expect(await signedOut.json()).toEqual({ user: null });
  });
});

/** Server-renders a route with its real loader, as a browser without JavaScript would get it. */
async function renderPage(path: string, cookie: string | undefined, route: { loader: unknown; Component: () => unknown }): Promise<string> {
  const request = getRequest(path, cookie);
  const context: AppLoadContext = await contextFor(t.db, request);
  const routes = [
    {
      path: new URL(request.url).pathname,
      loader: (args: { request: Request }) => (route.loader as (a: object) => Promise<Response>)({ request: args.request, params: {}, context }),
      Component: route.Component as () => null,
    },
  ];
  const handler = createStaticHandler(routes);
  const result = await handler.query(request);
  if (result instanceof Response) throw new Error(`unexpected ${result.status}`);
  const router = createStaticRouter(handler.dataRoutes, result);
  return renderToString(createElement(StaticRouterProvider, { router, context: result, hydrate: false }));
}

function HeaderWithRootData() {
  const { user } = useLoaderData() as { user: HeaderUser | null };
  return createElement(SiteHeader, { user });
}

const text = (html: string) => html.replace(/<!-- -->/g, "").replace(/<[^>]+>/g, "").replace(/&#x27;/g, "'").replace(/\s+/g, " ");

describe("the rendered page", () => {
  it("marks unread ones New and gives each a form whose button says what it marks", async () => {
    const me = await person();
    const ids = await notify(me.id, ["Board seat", "Shadowing"], { read: ["Shadowing"] });
    await notify(me.id, ["QI project"]);
    const html = await renderPage("/notifications", me.cookie, { loader: page.loader, Component: page.default });
    expect(html).toContain("<h1>Notifications</h1>");
    expect(text(html)).toContain("You have 2 unread notifications.");
    expect(text(html)).toContain("New Approved: Board seat");
    expect(text(html)).not.toContain("New Approved: Shadowing");
    expect(html).toMatch(/href="\/applications\/[0-9a-f-]{36}"/);
    expect(text(html)).toContain("Mark as read: Approved: Board seat");
    expect(html).toMatch(/<span class="nhsuk-u-visually-hidden">: Approved: Board seat<\/span>/);
    // One form per unread notification, plus mark all, each a plain POST back to this page.
    const forms = [...html.matchAll(/<form[^>]*method="post"[^>]*action="\/notifications"[^>]*>([\s\S]*?)<\/form>/g)];
    expect(forms).toHaveLength(3);
    expect(forms.some((f) => f[1]!.includes(`name="id" value="${ids["Board seat"]}"`))).toBe(true);
    expect(forms.some((f) => f[1]!.includes(`value="read-all"`) && text(f[1]!).includes("Mark all as read"))).toBe(true);
    expect(html).toMatch(/<time dateTime="2027-01-01T09:\d\d:00.000Z">1 January 2027 at 9:\d\dam<\/time>/);
  });

  it("says so when there is nothing to show", async () => {
    const me = await person("admin");
    const html = await renderPage("/notifications", me.cookie, { loader: page.loader, Component: page.default });
    expect(html).toContain("You have no notifications.");
    expect(html).not.toContain("Mark all as read");
  });

  it("shows the unread count in the header, with the word for screen readers", async () => {
    const me = await person("dme");
    await notify(me.id, ["a", "b", "c"]);
    const html = await renderPage("/", me.cookie, { loader: root.loader, Component: HeaderWithRootData });
    expect(html).toMatch(/<a[^>]*href="\/notifications"[^>]*><span>Notifications \(3<span class="nhsuk-u-visually-hidden"> unread<\/span>\)<\/span><\/a>/);
    await t.db.update(notifications).set({ readAt: new Date() });
    const none = await renderPage("/", me.cookie, { loader: root.loader, Component: HeaderWithRootData });
    expect(none).toMatch(/<a[^>]*href="\/notifications"[^>]*>Notifications<\/a>/);
    const signedOut = await renderPage("/", undefined, { loader: root.loader, Component: HeaderWithRootData });
    expect(signedOut).not.toContain("/notifications");
  });
});
