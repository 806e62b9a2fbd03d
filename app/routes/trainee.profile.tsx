import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { Radios } from "~/components/nhsuk/radios";
import { Select } from "~/components/nhsuk/select";
import { SummaryList } from "~/components/nhsuk/summary-list";
import { Table } from "~/components/nhsuk/table";
import { Tag } from "~/components/nhsuk/tag";
import { TextInput } from "~/components/nhsuk/text-input";

import { requireUser } from "~/auth.server";
import { getCis2LinkStatus, startCis2Link, unlinkOwnCis2 } from "~/cis2-link.server";
import { FormErrorSummary, fieldError, keptValue, pageTitle, usePasswordReset } from "~/components/form-errors";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { AUDIT_VIEW_WORDS } from "~/models/audit-actions";
import { ROLE_LABELS, DISABILITY_ANSWERS, DISABILITY_LABELS, ETHNIC_GROUPS, ETHNIC_GROUP_LABELS, GRADES, SEXES, SEX_LABELS } from "~/models/domain";
import { PROFILE_LIMITS } from "~/models/profile-limits";
import { EqualitySchema, ProfileSchema, UnlinkCis2Schema } from "~/models/profile.schema";
import { getProfilePage, updateEqualityAnswers, updateProfile } from "~/models/profile.server";
import { formatDate, formatDateTime, todayInLondon } from "~/utils/dates";
import { failure, parseForm } from "~/utils/forms";
import { invalid, notFound } from "~/utils/http.server";
import { ResponsiveTable } from "~/components/responsive-table";
import { ownValue } from "~/utils/own";
import { appOrigin } from "~/utils/origin.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Your profile") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const db = await getDb();
  const [page, cis2] = await Promise.all([getProfilePage(db, user.id, todayInLondon()), getCis2LinkStatus(db, user.id)]);
  if (!page || !cis2) throw notFound();
  // The NHS CIS2 section shows where CIS2 is set up, or where an identity is still linked (so it can be unlinked).
  return json({ ...page, cis2: cis2.configured || cis2.linkedAt ? cis2 : null });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const formData = await args.request.formData();
  // Two forms on the page: the equality answers are saved on their own, so saving the
  // profile never touches them and taking an answer back never needs the profile's fields.
  if (formData.get("intent") === "equality") {
    const answers = parseForm(EqualitySchema, formData);
    if (!answers.ok) return invalid(answers);
    if (!(await updateEqualityAnswers(await getDb(), user.id, answers.data, auditContext(args.context)))) throw notFound();
    return redirect("/trainee/profile?done=equality#equality");
  }
  if (formData.get("intent") === "cis2-link") {
    const started = await startCis2Link(await getDb(), user.id, appOrigin(args.request));
    if (started.ok) return redirect(started.url, { headers: { "Set-Cookie": started.cookie, "Cache-Control": "no-store" } });
    if (started.reason === "not_configured") throw notFound();
    if (started.reason === "already_linked") return redirect("/trainee/profile?done=cis2-linked#cis2");
    return json(failure(formData, {}, "NHS CIS2 is not answering. Try linking it again in a few minutes"), { status: 503, headers: { "Retry-After": "60" } });
  }
  if (formData.get("intent") === "cis2-unlink") {
    const parsed = parseForm(UnlinkCis2Schema, formData);
    if (!parsed.ok) return invalid(parsed);
    const result = await unlinkOwnCis2(
      await getDb(),
      user,
      { password: parsed.data.currentPassword, ip: args.context.clientIp, sessionId: args.context.sessionId },
      auditContext(args.context),
    );
    if (result.ok) return redirect("/trainee/profile?done=cis2-unlinked#cis2");
    if (result.status === 404) throw notFound();
    if ("formError" in result) return invalid(failure(formData, {}, result.formError), result.status);
    return invalid(failure(formData, result.fieldErrors), result.status);
  }
  const parsed = parseForm(ProfileSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const saved = await updateProfile(await getDb(), user.id, parsed.data, auditContext(args.context));
  if (!saved) throw notFound();
  return redirect("/trainee/profile?done=profile");
}

const DONE: Record<string, string> = {
  profile: "Your profile has been saved",
  equality: "Your equality information has been saved",
  added: "Your placement has been added",
  saved: "Your placement has been saved",
  deleted: "Your placement has been deleted",
  "cis2-linked": "NHS CIS2 is linked: you can sign in with it",
  "cis2-unlinked": "NHS CIS2 is unlinked: sign in with your email address and password",
};

const EQUALITY_QUESTIONS = [
  { name: "sex", legend: "What is your sex?", answers: SEXES.map((a) => ({ value: a, label: SEX_LABELS[a] })) },
  { name: "ethnicGroup", legend: "What is your ethnic group?", answers: ETHNIC_GROUPS.map((a) => ({ value: a, label: ETHNIC_GROUP_LABELS[a] })) },
  {
    name: "disability",
    legend: "Do you consider yourself to have a disability?",
    answers: DISABILITY_ANSWERS.map((a) => ({ value: a, label: DISABILITY_LABELS[a] })),
  },
] as const;

function wteText(wte: string): string {
  const n = Number(wte);
  return n < 1 ? `Less than full time (${n.toFixed(1)} WTE)` : "Full time";
}

export default function TraineeProfile() {
  const { profile, gradeChecked, placements, equality, views, viewsLimit, cis2 } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const passwordRef = usePasswordReset(actionData);
  const [params] = useSearchParams();
  const done = actionData ? undefined : ownValue(DONE, params.get("done"));
  const val = (name: string, fallback: string) => keptValue(actionData, name, fallback);
  const err = (name: string) => fieldError(actionData, name);
  const ltft = val("ltft", profile.ltft ? "yes" : "no");
  return (
    <>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <BackLink href="/trainee">Back to your home</BackLink>
          {done ? <SuccessBanner>{done}</SuccessBanner> : null}
          <FormErrorSummary failure={actionData} />
          <h1>
            <span className="nhsuk-caption-l">Trainee</span>
            Your profile
          </h1>

          <SummaryList>
            <SummaryList.Row>
              <SummaryList.Key>GMC number</SummaryList.Key>
              <SummaryList.Value>{profile.gmcNumber}</SummaryList.Value>
            </SummaryList.Row>
            <SummaryList.Row>
              <SummaryList.Key>Email address</SummaryList.Key>
              <SummaryList.Value>{profile.email}</SummaryList.Value>
            </SummaryList.Row>
            <SummaryList.Row>
              <SummaryList.Key>Region</SummaryList.Key>
              <SummaryList.Value>{profile.region ?? "Not recorded"}</SummaryList.Value>
            </SummaryList.Row>
          </SummaryList>

          <Form method="post" noValidate>
            <TextInput id="name" name="name" label="Full name" autoComplete="name" spellCheck={false} defaultValue={val("name", profile.name)} error={err("name")} />
            <Select id="grade" name="grade" label="Grade" hint={
                gradeChecked
                  ? `Opportunities use the grade from your placements in the training-information system: ${gradeChecked} now. The grade you choose here only counts if that system has no placement for you`
                  : "Your grade now. Opportunities say which grades they are open to"
              } defaultValue={val("grade", profile.grade)} error={err("grade")}>
              {GRADES.map((g) => (
                <Select.Option key={g} value={g}>
                  {g}
                </Select.Option>
              ))}
            </Select>
            <TextInput
              id="specialty"
              name="specialty"
              label="Specialty (optional)"
              hint="For example, General Surgery"
              maxLength={PROFILE_LIMITS.specialty}
              defaultValue={val("specialty", profile.specialty)}
              error={err("specialty")}
            />
            <TextInput
              id="programme"
              name="programme"
              label="Training programme (optional)"
              hint="For example, West Midlands Core Surgical Training"
              maxLength={PROFILE_LIMITS.programme}
              defaultValue={val("programme", profile.programme)}
              error={err("programme")}
            />
            <Radios name="ltft" legend="Working pattern" error={err("ltft")}>
              <Radios.Item id="ltft" value="no" defaultChecked={ltft === "no"}>
                Full time
              </Radios.Item>
              <Radios.Item id="ltft-yes" value="yes" defaultChecked={ltft === "yes"}>
                Less than full time (LTFT)
              </Radios.Item>
            </Radios>
            <Button type="submit">Save profile</Button>
          </Form>
        </div>
      </div>

      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h2 id="equality">Equality information (optional)</h2>
          <p>
            These questions are optional. Your answers are used only in anonymous totals that show whether opportunities
            reach everyone fairly; they are never shown to staff by name. You can change or remove your answers at any time:
            choose Not answered to remove one.
          </p>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="equality" />
            {EQUALITY_QUESTIONS.map((q) => {
              const chosen = val(q.name, equality[q.name] ?? "");
              return (
                <Radios key={q.name} name={q.name} legend={q.legend} legendProps={{ size: "s" }} error={err(q.name)}>
                  {q.answers.map((a, i) => (
                    <Radios.Item key={a.value} id={i === 0 ? q.name : `${q.name}-${a.value}`} value={a.value} defaultChecked={chosen === a.value}>
                      {a.label}
                    </Radios.Item>
                  ))}
                  <Radios.Item id={`${q.name}-not-answered`} value="" defaultChecked={chosen === ""}>
                    Not answered
                  </Radios.Item>
                </Radios>
              );
            })}
            <Button type="submit" secondary>
              Save equality information
            </Button>
          </Form>
        </div>
      </div>

      <h2 id="placements">Your placements</h2>
      <p>
        Placements from your deanery&apos;s training-information system are added for you and cannot be changed here. You
        can add placements that are missing, and change or delete the ones you added.
      </p>
      {placements.length ? (
        <ResponsiveTable caption="Placements, earliest first" columns={["Trust and site", "Dates", "Post", "Recorded by"]}>
          {placements.map((p) => (
            <Table.Row key={p.id}>
              <Table.Cell>
                {p.trustName}
                {p.siteName ? (
                  <>
                    <br />
                    <span className="nhsuk-body-s app-secondary-text">{p.siteName}</span>
                  </>
                ) : null}
              </Table.Cell>
              <Table.Cell>
                {formatDate(p.startsOn)} to {formatDate(p.endsOn)}
              </Table.Cell>
              <Table.Cell>
                {[p.specialty, p.grade].filter(Boolean).join(", ")}
                <br />
                <span className="nhsuk-body-s app-secondary-text">
                  {wteText(p.wte)}
                  {p.placementType !== "In Post" ? `. ${p.placementType}` : ""}
                </span>
              </Table.Cell>
              <Table.Cell>
                {p.source === "import" ? (
                  <Tag modifier="grey">Training-information system</Tag>
                ) : (
                  <>
                    You
                    <br />
                    <Link to={`/trainee/placements/${p.id}`}>
                      Change<span className="nhsuk-u-visually-hidden"> placement at {p.trustName} from {formatDate(p.startsOn)}</span>
                    </Link>
                  </>
                )}
              </Table.Cell>
            </Table.Row>
          ))}
        </ResponsiveTable>
      ) : (
        <p>No placements are recorded for you yet.</p>
      )}
      <Button href="/trainee/placements/new" secondary>
        Add placement
      </Button>

      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-two-thirds">
          <h2 id="your-data">Your data</h2>
          <p>
            Download a copy of everything Invitational holds about you: your profile, placements, applications and their
            history, and notifications. It is a JSON file that other services can read.
          </p>
          <Button href="/trainee/data.json" secondary download>
            Download my data
          </Button>

          <h3 id="viewed-by">Who has viewed your data</h3>
          {views.length ? (
            <>
              <p>
                Each time a member of staff opened your data: an application, your details, a list of applicants or a rotation file that
                named you. {views.length >= viewsLimit ? `These are the latest ${viewsLimit}; the download lists every one.` : null}
              </p>
              <ResponsiveTable caption="Staff who viewed your data, newest first" columns={["When", "Who", "Role", "Trust", "What they opened"]}>
                {views.map((view, i) => (
                  <Table.Row key={i}>
                    <Table.Cell>{formatDateTime(view.at)}</Table.Cell>
                    <Table.Cell>{view.viewer}</Table.Cell>
                    <Table.Cell>{view.role ? ROLE_LABELS[view.role] : "–"}</Table.Cell>
                    <Table.Cell>{view.trust ?? "–"}</Table.Cell>
                    <Table.Cell>{AUDIT_VIEW_WORDS[view.action] ?? "Your data"}</Table.Cell>
                  </Table.Row>
                ))}
              </ResponsiveTable>
            </>
          ) : (
            <p>No member of staff has opened your data yet.</p>
          )}

          {cis2 ? (
            <>
              <h2 id="cis2">NHS CIS2</h2>
              {cis2.linkedAt ? (
                <>
                  <p>
                    Your NHS CIS2 identity is linked to this account (since {formatDateTime(cis2.linkedAt)}): you can sign in with NHS CIS2,
                    using your smartcard or authenticator app.
                  </p>
                  {cis2.hasPassword ? (
                    <Form method="post" noValidate>
                      <input type="hidden" name="intent" value="cis2-unlink" />
                      <TextInput
                        id="currentPassword"
                        name="currentPassword"
                        type="password"
                        label="Your password"
                        hint="To unlink NHS CIS2, enter the password you sign in with. You will then sign in with it only"
                        autoComplete="current-password"
                        ref={passwordRef}
                        error={err("currentPassword")}
                      />
                      <Button type="submit" secondary>
                        Unlink NHS CIS2
                      </Button>
                    </Form>
                  ) : (
                    <p>
                      You sign in only with NHS CIS2, so you cannot unlink it yourself: you would have no way to sign in. An administrator can
                      unlink it.
                    </p>
                  )}
                </>
              ) : (
                <>
                  <p>
                    Link your NHS CIS2 identity to sign in with your smartcard or authenticator app. You keep your password and can still
                    sign in with it.
                  </p>
                  <Form method="post">
                    <input type="hidden" name="intent" value="cis2-link" />
                    <Button type="submit" secondary>
                      Link NHS CIS2
                    </Button>
                  </Form>
                </>
              )}
            </>
          ) : null}

          <h2 id="password">Your password</h2>
          <p>
            <Link to="/account/password">Change your password</Link>
          </p>

          <h2 id="close-account">Close your account</h2>
          <p>
            Closing your account withdraws your open applications and removes your name, email address, GMC number, equality answers and
            what you wrote. You cannot undo it.
          </p>
          <p>
            <Link to="/trainee/close-account">Close my account</Link>
          </p>
        </div>
      </div>
    </>
  );
}
