// A user's private calendar feed, /calendar/<secret>.ics, fetched by calendar apps without a
// session cookie: the secret is the only credential. Anything that does not match answers a
// plain 404 that says nothing about why.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { getDb } from "~/db.server";
import { calendarFeedForToken } from "~/models/calendar.server";
import { appOrigin } from "~/utils/origin.server";

function notFound(): Response {
  return new Response("Not found", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const file = params.file ?? "";
  if (!file.endsWith(".ics")) return notFound();
  const token = file.slice(0, -".ics".length);
  const feed = await calendarFeedForToken(await getDb(), token, { origin: appOrigin(request) });
  if (feed === null) return notFound();
  return new Response(feed, {
    status: 200,
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Cache-Control": "no-store",
      "Content-Disposition": 'inline; filename="invitational.ics"',
      "X-Robots-Tag": "noindex",
    },
  });
}
