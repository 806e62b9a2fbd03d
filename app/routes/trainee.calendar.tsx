import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { Details } from "~/components/nhsuk/details";
import { TextInput } from "~/components/nhsuk/text-input";
import { WarningCallout } from "~/components/nhsuk/warning-callout";

import { requireUser } from "~/auth.server";
import { MessageSummary, pageTitle } from "~/components/form-errors";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { countUpcomingSessions, getOrCreateCalendarToken, rotateCalendarToken } from "~/models/calendar.server";
import { todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";
import { plural } from "~/utils/plural";
import { appOrigin } from "~/utils/origin.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Your calendar feed") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const db = await getDb();
  const token = await getOrCreateCalendarToken(db, user.id);
  if (!token) throw notFound();
  const upcoming = await countUpcomingSessions(db, user.id, todayInLondon());
  return json({ url: `${appOrigin(args.request)}/calendar/${token}.ics`, upcoming });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const intent = (await args.request.formData()).get("intent");
  if (intent !== "rotate") return json({ message: "Select create a new link" }, { status: 400 });
  const token = await rotateCalendarToken(await getDb(), user.id);
  if (!token) throw notFound();
  return redirect("/trainee/calendar?rotated=1");
}

function upcomingText(count: number): string {
  if (count === 0) return "There are no upcoming sessions in your calendar feed yet. Sessions appear in it when a placement is approved.";
  return `Your calendar feed has ${plural(count, "upcoming session")}.`;
}

export default function TraineeCalendar() {
  const { url, upcoming } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const rotated = params.get("rotated") === "1" && !actionData;
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/trainee">Back to your home</BackLink>
        {rotated ? <SuccessBanner>Your old link no longer works</SuccessBanner> : null}
        <MessageSummary message={actionData?.message} href="#new-link" />
        <h1>
          <span className="nhsuk-caption-l">Trainee</span>
          Your calendar feed
        </h1>
        <p>
          You can see the sessions of your approved placements in the calendar you already use, such as Outlook, Google
          Calendar or Apple Calendar.
        </p>
        <p>
          Add the link below to your calendar once. Your calendar then checks it for changes by itself, so new sessions
          appear without you doing anything.
        </p>
        <p>{upcomingText(upcoming)}</p>

        <h2>Your link</h2>
        {/* A read-only field: one tap selects the whole link to copy, on a phone too. */}
        <TextInput id="calendar-link" label="Your calendar link" readOnly value={url} spellCheck={false} autoComplete="off" />
        <p>
          <a href={url.replace(/^https?:/, "webcal:")}>Subscribe in the calendar app on this device</a>
        </p>
        <WarningCallout>
          <WarningCallout.Heading>Keep this link private</WarningCallout.Heading>
          <p>Anyone with this link can see the dates, times and places of your sessions. Do not share it.</p>
        </WarningCallout>

        <h2>How to add the link to your calendar</h2>
        <p>Copy the link above, then follow the steps for your calendar.</p>
        <Details>
          <Details.Summary>Outlook</Details.Summary>
          <Details.Text>
            <p>In Outlook on the web or the new Outlook app:</p>
            <ol className="nhsuk-list nhsuk-list--number">
              <li>Go to your calendar.</li>
              <li>Select Add calendar, then Subscribe from web.</li>
              <li>Paste the link, give the calendar a name and select Import.</li>
            </ol>
            <p>In the older Outlook app for Windows, go to your calendar, select Add calendar, then From internet.</p>
          </Details.Text>
        </Details>
        <Details>
          <Details.Summary>Google Calendar</Details.Summary>
          <Details.Text>
            <p>You need to use a computer. You cannot add the link in the Google Calendar app on a phone.</p>
            <ol className="nhsuk-list nhsuk-list--number">
              <li>Open Google Calendar in a web browser.</li>
              <li>Next to Other calendars, select the plus sign (+), then From URL.</li>
              <li>Paste the link and select Add calendar.</li>
            </ol>
            <p>The calendar then shows on your phone as well.</p>
          </Details.Text>
        </Details>
        <Details>
          <Details.Summary>Apple Calendar (iPhone, iPad or Mac)</Details.Summary>
          <Details.Text>
            <p>On an iPhone or iPad:</p>
            <ol className="nhsuk-list nhsuk-list--number">
              <li>Open Settings, then Calendar (in newer versions, Apps, then Calendar).</li>
              <li>Select Calendar Accounts, then Add Account, then Other.</li>
              <li>Select Add Subscribed Calendar, paste the link and select Next, then Save.</li>
            </ol>
            <p>On a Mac, open Calendar, select File, then New Calendar Subscription, paste the link and select Subscribe.</p>
          </Details.Text>
        </Details>
        <p>Calendars check for changes every few hours, so a new or changed session can take a while to show.</p>

        <h2 id="new-link">If someone else has your link</h2>
        <p>
          You can create a new link. Your old link will stop working straight away, so you will need to add the new link
          to your calendar and remove the old one.
        </p>
        <Form method="post">
          <Button type="submit" name="intent" value="rotate" secondary>
            Create a new link
          </Button>
        </Form>
      </div>
    </div>
  );
}
