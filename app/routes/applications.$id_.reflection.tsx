import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { Checkboxes } from "~/components/nhsuk/checkboxes";
import { InsetText } from "~/components/nhsuk/inset-text";
import { Radios } from "~/components/nhsuk/radios";
import { Textarea } from "~/components/nhsuk/textarea";

import { requireUser } from "~/auth.server";
import { FormErrorSummary, MessageSummary, fieldError, keptValue, keptValues, pageTitle } from "~/components/form-errors";
import { ReflectionView, sharedWithWords } from "~/components/reflection-view";
import { SuccessBanner } from "~/components/success-banner";
import { getDb } from "~/db.server";
import { HLM_DIMENSIONS, HLM_LABELS } from "~/models/domain";
import { RATING_LABELS, RATINGS_SHOWN_FROM, REFLECTION_ARRAY_FIELDS, REFLECTION_TEXT_MAX } from "~/models/reflections.rules";
import { applicationInScope } from "~/models/applications.server";
import { getReflectionPage, saveReflection, setReflectionSharing } from "~/models/reflections.server";
import { formatDate, todayInLondon } from "~/utils/dates";
import { failure, formObject, type FormFailure } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import { ownValue } from "~/utils/own";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: pageTitle(data ? `Your reflection: ${data.application.title}` : "Your reflection") }];

// Only the trainee who applied: a reflection is theirs. Anyone else's application is not found.
export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const page = await getReflectionPage(await getDb(), user.id, args.params.id ?? "", todayInLondon());
  if (!page) throw notFound();
  return json(page);
}

type ActionData = FormFailure | { ok: false; message: string };

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const id = args.params.id ?? "";
  const db = await getDb();
  // Another trainee's application is not found, whatever the form says.
  if (!(await applicationInScope(db, user, id))) throw notFound();
  const formData = await args.request.formData();
  const intent = String(formData.get("intent") ?? "");
  if (intent === "share" || intent === "unshare") {
    const result = await setReflectionSharing(db, user.id, id, intent === "share");
    if (!result.ok) {
      if (result.status === 404) throw notFound();
      return json<ActionData>({ ok: false, message: result.message }, { status: result.status });
    }
    return redirect(`/applications/${id}/reflection?done=${intent}`);
  }
  if (intent !== "draft" && intent !== "final") return json<ActionData>({ ok: false, message: "Choose Save draft or Mark as final" }, { status: 400 });
  const result = await saveReflection(db, user.id, id, formObject(formData, REFLECTION_ARRAY_FIELDS), { finalise: intent === "final", today: todayInLondon() });
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return json<ActionData>(failure(formData, result.fieldErrors, result.formError), { status: result.status });
  }
  return redirect(`/applications/${id}/reflection?done=${intent}`);
}

const DONE: Record<string, string> = {
  draft: "Your draft is saved. Only you can see it.",
  final: "Your reflection is final.",
  share: "Your reflection is shared.",
  unshare: "Your reflection is no longer shared. Only you can see it.",
};

const HINTS = {
  whatHappened: "Describe the opportunity and your part in it: what you did, with whom, and anything that stood out. Keep it anonymous: no names of patients or colleagues.",
  soWhat: "What did you learn about leading, about yourself and about how the service works? What went well, and what would you do differently?",
  nowWhat: "What will you do with what you learned: one or two things you will do next, and when.",
};

export default function ReflectionPage() {
  const { application: a, open, reflection: r, gpcOptions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const done = params.get("done");
  const form = actionData && "fieldErrors" in actionData ? actionData : null;
  const message = actionData && "message" in actionData ? actionData.message : undefined;
  const final = Boolean(r?.finalisedAt);
  // Before anything is saved the opportunity's own dimensions are ticked, as a suggestion.
  const dims = keptValues(form, "hlmDimensions", r ? r.hlmDimensions : a.hlmDimensions);
  const domains = keptValues(form, "gpcDomains", r?.gpcDomains ?? []);
  const rating = keptValue(form, "rating", r?.rating ? String(r.rating) : "");
  const recommend = keptValue(form, "wouldRecommend", r?.wouldRecommend === null || r?.wouldRecommend === undefined ? "" : r.wouldRecommend ? "yes" : "no");
  const err = (name: string) => fieldError(form, name);
  const sharedWith = sharedWithWords(a.trustName);
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href={`/applications/${a.id}`}>Back to your application</BackLink>
        {ownValue(DONE, done) && !actionData ? <SuccessBanner>{ownValue(DONE, done)}</SuccessBanner> : null}
        <FormErrorSummary failure={form} />
        {/* The message is about the buttons pressed: sharing's once final, saving's before. */}
        <MessageSummary message={message} href={final ? "#sharing" : "#reflection-actions"} />
        <h1>
          <span className="nhsuk-caption-l">Your reflection</span>
          {a.title}
        </h1>
        <p>
          {a.trustName}, {formatDate(a.startsOn)} to {formatDate(a.endsOn)}
        </p>

        {!open && !r ? (
          <InsetText>
            <p>You can write a reflection once the opportunity has ended or been signed off as completed. It ends on {formatDate(a.endsOn)}.</p>
          </InsetText>
        ) : final && r ? (
          <>
            <InsetText>
              <p>This reflection is final, so it can no longer be changed.</p>
            </InsetText>
            <ReflectionView r={r} />
            <section id="sharing" aria-labelledby="sharing-heading">
              <h2 id="sharing-heading">Who can see it</h2>
              {r.sharedAt ? (
                <>
                  <p>
                    You shared this reflection on {formatDate(r.sharedAt)} with {sharedWith}. They see it on your application. Nobody else does.
                  </p>
                  <Form method="post">
                    <Button type="submit" name="intent" value="unshare" secondary>
                      Stop sharing
                    </Button>
                  </Form>
                </>
              ) : (
                <>
                  <p>Only you can see this reflection.</p>
                  <p>
                    If you share it, {sharedWith} can read it on your application. Nobody else can: not other trusts, not the regional team. You can stop sharing at any time.
                  </p>
                  <Form method="post">
                    <Button type="submit" name="intent" value="share">
                      Share with {a.trustName}
                    </Button>
                  </Form>
                </>
              )}
            </section>
          </>
        ) : (
          <>
            <p>
              Reflect on the opportunity in three parts, as the Academy of Medical Royal Colleges' guidance on reflective practice suggests. You can save a draft
              and come back to it, and change it until you mark it as final.
            </p>
            <InsetText>
              <p>
                Your reflection is private: only you can see it. Once it is final you can choose to share it with {sharedWith}.
              </p>
            </InsetText>
            <Form method="post" noValidate>
              <Textarea
                id="whatHappened"
                name="whatHappened"
                rows={6}
                label={<strong>What happened?</strong>}
                hint={`${HINTS.whatHappened} Up to ${REFLECTION_TEXT_MAX.toLocaleString("en-GB")} characters.`}
                defaultValue={keptValue(form, "whatHappened", r?.whatHappened ?? "")}
                error={err("whatHappened")}
              />
              <Textarea
                id="soWhat"
                name="soWhat"
                rows={6}
                label={<strong>So what: what did you learn?</strong>}
                hint={`${HINTS.soWhat} Up to ${REFLECTION_TEXT_MAX.toLocaleString("en-GB")} characters.`}
                defaultValue={keptValue(form, "soWhat", r?.soWhat ?? "")}
                error={err("soWhat")}
              />
              <Textarea
                id="nowWhat"
                name="nowWhat"
                rows={6}
                label={<strong>Now what: what will you do next?</strong>}
                hint={`${HINTS.nowWhat} Up to ${REFLECTION_TEXT_MAX.toLocaleString("en-GB")} characters.`}
                defaultValue={keptValue(form, "nowWhat", r?.nowWhat ?? "")}
                error={err("nowWhat")}
              />
              <Checkboxes
                name="hlmDimensions"
                legend="Which Healthcare Leadership Model dimensions did you practise?"
                legendProps={{ size: "s" }}
                hint={r ? "Select all that apply." : "The dimensions this opportunity was designed to develop are ticked. Untick any you did not practise, and tick any others you did."}
                error={err("hlmDimensions")}
                small
              >
                {HLM_DIMENSIONS.map((d, i) => (
                  <Checkboxes.Item key={d} id={i === 0 ? "hlmDimensions" : `hlmDimensions-${d}`} value={d} defaultChecked={dims.includes(d)}>
                    {HLM_LABELS[d]}
                  </Checkboxes.Item>
                ))}
              </Checkboxes>
              <Checkboxes
                name="gpcDomains"
                legend="Which GMC Generic Professional Capabilities domains does it evidence?"
                legendProps={{ size: "s" }}
                hint="Leadership opportunities usually evidence domain 5 (leadership and team working) and domain 6 (patient safety and quality improvement). Select others where this opportunity gave you evidence of them."
                error={err("gpcDomains")}
                small
              >
                {gpcOptions.map(({ value, label }, i) => (
                  <Checkboxes.Item key={value} id={i === 0 ? "gpcDomains" : `gpcDomains-${value}`} value={value} defaultChecked={domains.includes(value)}>
                    {label}
                  </Checkboxes.Item>
                ))}
              </Checkboxes>
              <Radios
                name="rating"
                legend="How would you rate the opportunity?"
                legendProps={{ size: "s" }}
                hint={`Your rating is added to other trainees' for ${a.trustName}'s leads and for the regional reports, never with your name. It is shown only once ${RATINGS_SHOWN_FROM} or more trainees have rated the opportunity, so that no one trainee's rating can be read off.`}
                error={err("rating")}
              >
                {([5, 4, 3, 2, 1] as const).map((n, i) => (
                  <Radios.Item key={n} id={i === 0 ? "rating" : `rating-${n}`} value={String(n)} defaultChecked={rating === String(n)}>
                    {RATING_LABELS[n]}
                  </Radios.Item>
                ))}
              </Radios>
              <Radios name="wouldRecommend" legend="Would you recommend it to another trainee?" legendProps={{ size: "s" }} error={err("wouldRecommend")} inline>
                <Radios.Item id="wouldRecommend" value="yes" defaultChecked={recommend === "yes"}>
                  Yes
                </Radios.Item>
                <Radios.Item id="wouldRecommend-no" value="no" defaultChecked={recommend === "no"}>
                  No
                </Radios.Item>
              </Radios>
              <p>A draft can be incomplete. To mark it as final, answer every question: a final reflection can no longer be changed.</p>
              <div className="app-actions" id="reflection-actions">
                <Button type="submit" name="intent" value="draft" secondary className="nhsuk-u-margin-right-3">
                  Save draft
                </Button>
                <Button type="submit" name="intent" value="final">
                  Mark as final
                </Button>
              </div>
            </Form>
          </>
        )}
        <p>
          <Link to={`/applications/${a.id}`}>Back to your application</Link>
        </p>
      </div>
    </div>
  );
}
