import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useFetcher, useLoaderData, useLocation } from "@remix-run/react";
import { BackLink } from "~/components/nhsuk/back-link";
import { Button } from "~/components/nhsuk/button";
import { Fieldset } from "~/components/nhsuk/fieldset";
import { Radios } from "~/components/nhsuk/radios";
import { Select } from "~/components/nhsuk/select";
import { TextInput } from "~/components/nhsuk/text-input";
import { useEffect, useState, type ReactNode } from "react";

import { requireUser } from "~/auth.server";
import { FormErrorSummary, fieldError, keptValue, pageTitle } from "~/components/form-errors";
import { getDb } from "~/db.server";
import { auditContext } from "~/models/audit.server";
import { GRADES, PLACEMENT_TYPES, type PlacementType } from "~/models/domain";
import { PROFILE_LIMITS } from "~/models/profile-limits";
import { PlacementSchema } from "~/models/profile.schema";
import { getProfile, placementFormOptions, savePlacement } from "~/models/profile.server";
import { failure, parseForm, type FormFailure } from "~/utils/forms";
import { notFound } from "~/utils/http.server";
import type { Db } from "@db/client";

export const meta: MetaFunction = () => [{ title: pageTitle("Add a placement") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const db = await getDb();
  const profile = await getProfile(db, user.id);
  if (!profile) throw notFound();
  const initial: PlacementFormValues = {
    ...EMPTY_PLACEMENT,
    grade: profile.grade,
    specialty: profile.specialty,
    wte: profile.ltft ? "" : "1.0",
    // The form sent to "Show the trust's sites" (without JavaScript) comes back with its values.
    ...valuesFromAddress(new URL(args.request.url).searchParams),
  };
  return json({ ...(await placementFormOptions(db, initial.trustId || null)), initial });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const formData = await args.request.formData();
  const db = await getDb();
  const parsed = parseForm(PlacementSchema, formData);
  if (!parsed.ok) return refusedPlacement(db, parsed);
  const result = await savePlacement(db, user.id, parsed.data, undefined, auditContext(args.context));
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return refusedPlacement(db, failure(formData, result.fieldErrors, result.formError), result.status);
  }
  return redirect("/trainee/profile?done=added#placements");
}

export default function NewPlacement() {
  const { initial, ...options } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="nhsuk-grid-row">
      <div className="nhsuk-grid-column-two-thirds">
        <BackLink href="/trainee/profile#placements">Back to your profile</BackLink>
        <FormErrorSummary failure={actionData} />
        <h1>
          <span className="nhsuk-caption-l">Your placements</span>
          Add a placement
        </h1>
        <p>Add a placement that is missing from the training-information system, such as one you have just been told about.</p>
        <PlacementForm failure={actionData} initial={initial} options={options} submitLabel="Add placement" />
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------
// The form, shared with trainee.placements.$id.tsx (edit).
// ---------------------------------------------------------------------------------------

export interface PlacementFormValues {
  trustId: string;
  siteId: string;
  specialty: string;
  grade: string;
  startsOn: string;
  endsOn: string;
  wte: string;
  placementType: string;
}

export const EMPTY_PLACEMENT: PlacementFormValues = {
  trustId: "",
  siteId: "",
  specialty: "",
  grade: "",
  startsOn: "",
  endsOn: "",
  wte: "1.0",
  placementType: "In Post",
};

export const PLACEMENT_TYPE_LABELS: Record<PlacementType, string> = {
  "In Post": "In post",
  "In Post - Extension": "In post (extension)",
  "Parental Leave": "Parental leave",
  "Long-term Sick": "Long-term sickness",
  OOPE: "Out of programme for experience (OOPE)",
  OOPR: "Out of programme for research (OOPR)",
  OOPT: "Out of programme for training (OOPT)",
  OOPC: "Out of programme career break (OOPC)",
};

const FIELDS = Object.keys(EMPTY_PLACEMENT) as (keyof PlacementFormValues)[];

/** Placement form values from the address (a GET of the form), each a short string; anything else is ignored. */
export function valuesFromAddress(params: URLSearchParams): Partial<PlacementFormValues> {
  const values: Partial<PlacementFormValues> = {};
  for (const field of FIELDS) {
    const value = params.get(field);
    if (value !== null) values[field] = value.slice(0, 200);
  }
  return values;
}

/**
 * A refused placement form, with the sites of the trust it was sent with: the page then
 * shows the choices that go with the values kept.
 */
export async function refusedPlacement(db: Db, refused: FormFailure, status: 400 | 409 = 400) {
  const trustId = keptValue(refused, "trustId");
  const { sites, sitesFor } = await placementFormOptions(db, trustId || null);
  return json({ ...refused, sites, sitesFor }, { status });
}

type SiteChoices = { sites: { id: string; name: string }[]; sitesFor: string | null };

/**
 * The trust select lists every trust; the site select only the chosen trust's sites. With
 * JavaScript, choosing a trust fetches its sites (this route's loader with ?trustId=);
 * without, "Show the trust's sites" sends the form to this page by GET, keeping what was typed.
 */
export function PlacementForm({
  failure,
  initial,
  options,
  submitLabel,
  children,
}: {
  failure: (FormFailure & Partial<SiteChoices>) | undefined;
  initial: PlacementFormValues;
  options: { trusts: { id: string; name: string }[] } & SiteChoices;
  submitLabel: string;
  children?: ReactNode;
}) {
  const val = (name: keyof PlacementFormValues) => keptValue(failure, name, initial[name]);
  const err = (name: string) => fieldError(failure, name);
  const [hydrated, setHydrated] = useState(false);
  const [trustId, setTrustId] = useState(val("trustId"));
  const fetcher = useFetcher<SiteChoices>();
  const { pathname } = useLocation();
  useEffect(() => setHydrated(true), []);
  useEffect(() => setTrustId(keptValue(failure, "trustId", initial.trustId)), [failure, initial.trustId]);
  // The newest list that belongs to the trust chosen now: fetched, sent back with a refusal, or loaded with the page.
  const choices = [fetcher.data, failure?.sitesFor !== undefined ? (failure as SiteChoices) : undefined, options].find((c) => c && c.sitesFor === trustId);
  const siteOptions = choices?.sites ?? [];
  const type = val("placementType");
  return (
    <Form method="post" noValidate>
      {hydrated ? null : (
        // Enter in a field submits with the form's first button: without this one, that would be
        // "Show the trust's sites", and the placement would not be saved. Hidden buttons still
        // count for Enter but are neither seen, nor focused, nor read out.
        <button type="submit" name="intent" value="save" hidden />
      )}
      <Select
        id="trustId"
        name="trustId"
        label="Trust"
        defaultValue={val("trustId")}
        error={err("trustId")}
        onChange={(e) => {
          const chosen = e.currentTarget.value;
          setTrustId(chosen);
          if (chosen) fetcher.load(`${pathname}?trustId=${encodeURIComponent(chosen)}`);
        }}
      >
        <Select.Option value="">Select the trust</Select.Option>
        {options.trusts.map((t) => (
          <Select.Option key={t.id} value={t.id}>
            {t.name}
          </Select.Option>
        ))}
      </Select>
      {hydrated ? null : (
        <Button type="submit" formMethod="get" secondary className="nhsuk-u-margin-bottom-4">
          Show the trust&apos;s sites
        </Button>
      )}
      <Select
        key={`site-${trustId}`}
        id="siteId"
        name="siteId"
        label="Site (optional)"
        hint={trustId && choices ? "Sites of the trust you chose" : "Choose the trust first, then its site"}
        defaultValue={val("siteId")}
        error={err("siteId")}
      >
        <Select.Option value="">Not known, or more than one site</Select.Option>
        {siteOptions.map((s) => (
          <Select.Option key={s.id} value={s.id}>
            {s.name}
          </Select.Option>
        ))}
      </Select>
      <TextInput
        id="specialty"
        name="specialty"
        label="Specialty (optional)"
        hint="For example, General Surgery"
        maxLength={PROFILE_LIMITS.specialty}
        defaultValue={val("specialty")}
        error={err("specialty")}
      />
      <Select id="grade" name="grade" label="Grade in this placement" defaultValue={val("grade")} error={err("grade")}>
        <Select.Option value="">Select the grade</Select.Option>
        {GRADES.map((g) => (
          <Select.Option key={g} value={g}>
            {g}
          </Select.Option>
        ))}
      </Select>
      <Fieldset>
        <Fieldset.Legend size="s">Dates</Fieldset.Legend>
        <TextInput id="startsOn" name="startsOn" type="date" label="Start date" width={10} defaultValue={val("startsOn")} error={err("startsOn")} />
        <TextInput id="endsOn" name="endsOn" type="date" label="End date" hint="The last day of the placement" width={10} defaultValue={val("endsOn")} error={err("endsOn")} />
      </Fieldset>
      <TextInput
        id="wte"
        name="wte"
        label="Whole-time equivalent (WTE)"
        hint="From 0.1 to 1.0. 1.0 is full time; less than 1.0 is less than full time, for example 0.6"
        inputMode="decimal"
        width={4}
        defaultValue={val("wte")}
        error={err("wte")}
      />
      <Radios name="placementType" legend="Type of placement" hint="Only an in-post placement puts you at the trust" error={err("placementType")}>
        {PLACEMENT_TYPES.map((t, i) => (
          <Radios.Item key={t} id={i === 0 ? "placementType" : `placementType-${i}`} value={t} defaultChecked={type === t}>
            {PLACEMENT_TYPE_LABELS[t]}
          </Radios.Item>
        ))}
      </Radios>
      {children}
      <Button type="submit" name="intent" value="save">
        {submitLabel}
      </Button>
    </Form>
  );
}
