import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
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
import { GRADES, PLACEMENT_TYPES, type PlacementType } from "~/models/domain";
import { PlacementSchema, PROFILE_LIMITS } from "~/models/profile.schema";
import { getProfile, placementFormOptions, savePlacement } from "~/models/profile.server";
import { failure, parseForm, type FormFailure } from "~/utils/forms";
import { invalid, notFound } from "~/utils/http.server";

export const meta: MetaFunction = () => [{ title: pageTitle("Add a placement") }];

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const db = await getDb();
  const [profile, trusts] = await Promise.all([getProfile(db, user.id), placementFormOptions(db)]);
  if (!profile) throw notFound();
  const initial: PlacementFormValues = {
    ...EMPTY_PLACEMENT,
    grade: profile.grade,
    specialty: profile.specialty,
    wte: profile.ltft ? "" : "1.0",
  };
  return json({ trusts, initial });
}

export async function action(args: ActionFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const formData = await args.request.formData();
  const parsed = parseForm(PlacementSchema, formData);
  if (!parsed.ok) return invalid(parsed);
  const result = await savePlacement(await getDb(), user.id, parsed.data);
  if (!result.ok) {
    if (result.status === 404) throw notFound();
    return invalid(failure(formData, result.fieldErrors, result.formError), result.status);
  }
  return redirect("/trainee/profile?done=added#placements");
}

export default function NewPlacement() {
  const { trusts, initial } = useLoaderData<typeof loader>();
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
        <PlacementForm failure={actionData} initial={initial} trusts={trusts} submitLabel="Add placement" />
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

interface TrustChoice {
  id: string;
  name: string;
  odsCode: string;
  sites: { id: string; name: string }[];
}

/**
 * Without JavaScript the site list shows every trust's sites, grouped under the trust's name
 * (the server checks the site belongs to the trust chosen); with JavaScript it shows only
 * the sites of the trust chosen.
 */
export function PlacementForm({
  failure,
  initial,
  trusts,
  submitLabel,
  children,
}: {
  failure: FormFailure | undefined;
  initial: PlacementFormValues;
  trusts: TrustChoice[];
  submitLabel: string;
  children?: ReactNode;
}) {
  const val = (name: keyof PlacementFormValues) => keptValue(failure, name, initial[name]);
  const err = (name: string) => fieldError(failure, name);
  const [hydrated, setHydrated] = useState(false);
  const [trustId, setTrustId] = useState(val("trustId"));
  useEffect(() => setHydrated(true), []);
  useEffect(() => setTrustId(keptValue(failure, "trustId", initial.trustId)), [failure, initial.trustId]);
  const chosen = trusts.find((t) => t.id === trustId);
  const type = val("placementType");
  return (
    <Form method="post" noValidate>
      <Select id="trustId" name="trustId" label="Trust" defaultValue={val("trustId")} error={err("trustId")} onChange={(e) => setTrustId(e.currentTarget.value)}>
        <Select.Option value="">Select the trust</Select.Option>
        {trusts.map((t) => (
          <Select.Option key={t.id} value={t.id}>
            {t.name}
          </Select.Option>
        ))}
      </Select>
      <Select
        key={hydrated ? `site-${trustId}` : "site-all"}
        id="siteId"
        name="siteId"
        label="Site (optional)"
        hint={hydrated ? "Sites of the trust you chose" : "Choose a site of the trust you chose"}
        defaultValue={val("siteId")}
        error={err("siteId")}
      >
        <Select.Option value="">Not known, or more than one site</Select.Option>
        {hydrated
          ? (chosen?.sites ?? []).map((s) => (
              <Select.Option key={s.id} value={s.id}>
                {s.name}
              </Select.Option>
            ))
          : trusts
              .filter((t) => t.sites.length)
              .map((t) => (
                <optgroup key={t.id} label={t.name}>
                  {t.sites.map((s) => (
                    <Select.Option key={s.id} value={s.id}>
                      {s.name}
                    </Select.Option>
                  ))}
                </optgroup>
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
