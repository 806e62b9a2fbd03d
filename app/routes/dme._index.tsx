import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Table } from "~/components/nhsuk/table";
import { Tag } from "~/components/nhsuk/tag";

import { requireStaff } from "~/auth.server";
import { pageTitle } from "~/utils/page-title";
import { getDb } from "~/db.server";
import { auditContext, recordViews } from "~/models/audit.server";
import { getDmeHome } from "~/models/homes.server";
import { formatDate, todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { Pager } from "~/components/pager";
import { ResponsiveTable } from "~/components/responsive-table";
import { plural } from "~/utils/plural";

export const meta: MetaFunction = () => [{ title: pageTitle("Trainees at your trust") }];

/** A page number from the address: anything else (missing, "abc", "-1", "1.5") is page 1. */
function pageParam(value: string | null): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 10_000 ? n : 1;
}

/** The address of the home with each list at its page; page 1 is left out, so the plain address stays plain. */
function homeHref(pages: { now: number; next: number }, anchor: string): string {
  const q = new URLSearchParams();
  if (pages.now > 1) q.set("now", String(pages.now));
  if (pages.next > 1) q.set("next", String(pages.next));
  const search = q.toString();
  return `/dme${search ? `?${search}` : ""}#${anchor}`;
}

export async function loader(args: LoaderFunctionArgs) {
  const user = requireStaff(args, "dme");
  const url = new URL(args.request.url);
  const pages = { now: pageParam(url.searchParams.get("now")), next: pageParam(url.searchParams.get("next")) };
  const db = await getDb();
  const home = await getDmeHome(db, user.trustId, todayInLondon(), pages);
  if (!home) throw notFound();
  // A page past the end (the lists shrank, or the address was edited) goes to the last one.
  const last = (total: number) => Math.max(1, Math.ceil(total / home.pageSize));
  const clamped = { now: Math.min(pages.now, last(home.placedNow.total)), next: Math.min(pages.next, last(home.startingNext.total)) };
  if (clamped.now !== pages.now || clamped.next !== pages.next) throw redirect(homeHref(clamped, clamped.next !== pages.next ? "starting-next" : "placed-now"));
  // The lists name the trust's trainees: each one shown is a view of their data.
  await recordViews(db, auditContext(args.context), {
    action: "trainees.viewed",
    targetType: "trust",
    targetId: user.trustId,
    trustId: user.trustId,
    traineeIds: [...home.placedNow.trainees, ...home.startingNext.trainees].map((t) => t.traineeId),
    details: { list: "trainees_at_trust" },
  });
  return json(home);
}

function Pattern({ wte }: { wte: string }) {
  return Number(wte) < 1 ? <Tag modifier="aqua-green">Less than full time ({Math.round(Number(wte) * 100)}%)</Tag> : <>Full time</>;
}

export default function DmeHome() {
  const { trust, placedNow, startingNext, pageSize } = useLoaderData<typeof loader>();
  const pages = { now: placedNow.page, next: startingNext.page };
  const lastPage = (total: number) => Math.max(1, Math.ceil(total / pageSize));
  return (
    <>
      <h1>
        <span className="nhsuk-caption-l">Director of medical education, {trust.name}</span>
        Trainees at your trust
      </h1>
      <p>
        <Link to="/reports">See how the trust is doing: coverage, offer and uptake, and the trainees with nothing yet</Link>
      </p>

      <p>
        <Link to="/dme/approvals" className="nhsuk-button">
          Placements to approve
        </Link>{" "}
        <Link to="/imports" className="nhsuk-button nhsuk-button--secondary">
          Import rotations
        </Link>
      </p>
      <ul className="nhsuk-list">
        <li>
          <Link to="/nothing-yet">Trainees at your trust with nothing yet this year: send them a nudge</Link>
        </li>
        <li>
          <Link to="/dme/invitations">Trainees who have not set up their account</Link>
        </li>
      </ul>
      <h2 id="placed-now">
        Placed here now <span className="nhsuk-caption-m">{plural(placedNow.total, "trainee")}</span>
      </h2>
      {placedNow.total ? (
        <ResponsiveTable columns={["Trainee", "Grade", "Specialty", "Site", "Until", "Working pattern"]}>
          {placedNow.trainees.map((t) => (
            <Table.Row key={t.placementId}>
              <Table.Cell>{t.name}</Table.Cell>
              <Table.Cell>{t.grade}</Table.Cell>
              <Table.Cell>{t.specialty || "Not recorded"}</Table.Cell>
              <Table.Cell>{t.siteName || "Not recorded"}</Table.Cell>
              <Table.Cell className="app-nowrap">{formatDate(t.endsOn)}</Table.Cell>
              <Table.Cell>
                <Pattern wte={t.wte} />
              </Table.Cell>
            </Table.Row>
          ))}
        </ResponsiveTable>
      ) : (
        <p>No trainees are placed at {trust.name} today.</p>
      )}
      <Pager
        label="Pages of trainees placed here now"
        page={placedNow.page}
        lastPage={lastPage(placedNow.total)}
        href={(p) => homeHref({ ...pages, now: p }, "placed-now")}
      />

      <h2 id="starting-next">
        Starting in the next rotation <span className="nhsuk-caption-m">{plural(startingNext.total, "trainee")}</span>
      </h2>
      {startingNext.total ? (
        <ResponsiveTable columns={["Trainee", "Grade", "Specialty", "Starts", "Placed now at", "Working pattern"]}>
          {startingNext.trainees.map((t) => (
            <Table.Row key={t.placementId}>
              <Table.Cell>{t.name}</Table.Cell>
              <Table.Cell>{t.grade}</Table.Cell>
              <Table.Cell>{t.specialty || "Not recorded"}</Table.Cell>
              <Table.Cell className="app-nowrap">{formatDate(t.startsOn)}</Table.Cell>
              <Table.Cell>{t.comingFrom ?? "Not placed"}</Table.Cell>
              <Table.Cell>
                <Pattern wte={t.wte} />
              </Table.Cell>
            </Table.Row>
          ))}
        </ResponsiveTable>
      ) : (
        <p>No trainees are due to start at {trust.name} in the next six months.</p>
      )}
      <Pager
        label="Pages of trainees starting in the next rotation"
        page={startingNext.page}
        lastPage={lastPage(startingNext.total)}
        href={(p) => homeHref({ ...pages, next: p }, "starting-next")}
      />
      <h2>Your account</h2>
      <p>
        <Link to="/account/password">Change your password</Link>
      </p>
    </>
  );
}
