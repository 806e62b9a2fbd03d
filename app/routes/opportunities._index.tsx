import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Checkboxes } from "~/components/nhsuk/checkboxes";
import { Select } from "~/components/nhsuk/select";
import { TextInput } from "~/components/nhsuk/text-input";

import { getDb } from "~/db.server";
import { fieldError, FormErrorSummary, keptValue, pageTitle } from "~/components/form-errors";
import { Pager } from "~/components/pager";
import { OpportunityList } from "~/components/opportunity-card";
import { RotationSections } from "~/components/rotation-sections";
import { FOCUS_LABELS, FOCUSES, HLM_DIMENSIONS, HLM_LABELS, OPPORTUNITY_TYPE_LABELS, OPPORTUNITY_TYPES, REGIONS, TIER_LABELS, TIERS } from "~/models/domain";
import { getTraineeGradeAndSpecialty } from "~/models/homes.server";
import { activeFilters, searchHref } from "~/models/search-links";
import { readSearchParams } from "~/models/search.schema";
import { rotationSections, searchFacets, searchOpportunities } from "~/models/search.server";
import { formatDate, todayInLondon } from "~/utils/dates";
import { plural } from "~/utils/plural";
import type { FormFailure } from "~/utils/forms";

export const meta: MetaFunction = () => [{ title: pageTitle("Find leadership opportunities") }];

// Browsing is open to everyone; the trainee's own grade and rotation add to it.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const { filters, fieldErrors, values } = readSearchParams(url.searchParams);
  // A date that does not exist is refused beside its field (400), with results for the rest.
  const failure: FormFailure | null = Object.keys(fieldErrors).length ? { ok: false, fieldErrors, values } : null;
  // The filter form sends every field, empty ones too: answer with the short address to share
  // (but not past a refused date, which would vanish from the address unexplained).
  if (!failure && [...url.searchParams.values()].some((value) => value === "")) throw redirect(searchHref(filters, {}));
  const db = await getDb();
  const today = todayInLondon();
  const trainee = context.user?.role === "trainee" ? context.user : null;
  const profile = trainee ? await getTraineeGradeAndSpecialty(db, trainee.id, today) : null;
  const unfiltered = url.search === "";
  const [search, facets, sections] = await Promise.all([
    searchOpportunities(db, filters, { today, viewerGrade: profile?.grade ?? null }),
    searchFacets(db, filters),
    trainee && unfiltered ? rotationSections(db, trainee.id, today) : Promise.resolve(null),
  ]);
  const lastPage = Math.max(1, Math.ceil(search.total / search.pageSize));
  if (!failure && filters.page > lastPage) throw redirect(searchHref(filters, { page: lastPage }));
  return json({ ...search, filters, facets, sections, grade: profile?.grade ?? null, failure }, { status: failure ? 400 : 200 });
}

/** A filter menu: "Any …" first, then the values; its id is its name (the field's label points at it). */
function FilterSelect(props: { name: string; label: string; hint?: string; any: string; value: string | undefined; options: [value: string, label: string][] }) {
  return (
    <Select id={props.name} name={props.name} label={props.label} hint={props.hint} defaultValue={props.value ?? ""}>
      <option value="">{props.any}</option>
      {props.options.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </Select>
  );
}

export default function FindOpportunities() {
  const { results, total, page, pageSize, filters, facets, sections, grade, failure } = useLoaderData<typeof loader>();
  const lastPage = Math.max(1, Math.ceil(total / pageSize));
  const from = total ? (page - 1) * pageSize + 1 : 0;
  const to = Math.min(total, page * pageSize);
  // The fields are uncontrolled: a new address (a filter removed by its link, "Clear filters")
  // must give a new form, or the old values would stay on screen and be searched again.
  const { search } = useLocation();
  const inForce = activeFilters(filters, new Map(facets.trusts.map((t) => [t.odsCode, t.name])));
  return (
    <>
      <FormErrorSummary failure={failure} />
      <h1>Find leadership opportunities</h1>
      {/* On a phone the filters (and a trainee's rotation sections) come before the results. */}
      <p className="app-mobile-only">
        {sections ? (
          <>
            <a href="#filters-heading">Search and filters</a> ·{" "}
          </>
        ) : null}
        <a href="#results">Skip to results</a>
      </p>
      {sections ? <RotationSections sections={sections} /> : null}
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-one-third">
          <Form method="get" key={search} className="app-filters" aria-labelledby="filters-heading">
            <h2 className="nhsuk-heading-s" id="filters-heading">
              Filter opportunities
            </h2>
            <TextInput id="q" name="q" label="Search" hint="Words from the title, description, objective or sponsor" defaultValue={filters.q} />
            <FilterSelect name="type" label="Type" any="Any type" value={filters.type} options={OPPORTUNITY_TYPES.map((t) => [t, OPPORTUNITY_TYPE_LABELS[t]])} />
            <FilterSelect name="region" label="Region" any="Any region" value={filters.region} options={REGIONS.map((r) => [r, r])} />
            <FilterSelect name="ics" label="Integrated care system" any="Any system" value={filters.ics} options={facets.systems.map((s) => [s, s])} />
            <FilterSelect
              name="trust"
              label="Trust"
              hint={facets.narrowed || filters.trust ? undefined : "Choose a region or system and search, then pick a trust"}
              any="Any trust"
              value={filters.trust}
              options={facets.trusts.map((t) => [t.odsCode, t.name])}
            />
            <FilterSelect name="tier" label="Tier" any="Any tier" value={filters.tier ? String(filters.tier) : undefined} options={TIERS.map((t) => [String(t), TIER_LABELS[t]])} />
            <FilterSelect name="focus" label="Focus" any="Any focus" value={filters.focus} options={FOCUSES.map((f) => [f, FOCUS_LABELS[f]])} />
            <FilterSelect name="hlm" label="Leadership dimension" any="Any dimension" value={filters.hlm} options={HLM_DIMENSIONS.map((d) => [d, HLM_LABELS[d]])} />
            <TextInput id="maxHours" name="maxHours" label="At most this many hours a week" inputMode="decimal" width={3} defaultValue={filters.maxHours !== undefined ? String(filters.maxHours) : ""} />
            <TextInput id="startFrom" name="startFrom" type="date" label="Starting on or after" defaultValue={keptValue(failure, "startFrom", filters.startFrom ?? "")} error={fieldError(failure, "startFrom")} />
            <TextInput id="startTo" name="startTo" type="date" label="Starting on or before" defaultValue={keptValue(failure, "startTo", filters.startTo ?? "")} error={fieldError(failure, "startTo")} />
            <Checkboxes legend="Only show" small>
              {grade ? (
                <Checkboxes.Item id="eligible" name="eligible" value="mine" defaultChecked={filters.eligible === "mine"}>
                  Open to my grade ({grade})
                </Checkboxes.Item>
              ) : null}
              <Checkboxes.Item id="ltft" name="ltft" value="yes" defaultChecked={filters.ltft === "yes"}>
                Suits less than full time
              </Checkboxes.Item>
              <Checkboxes.Item id="seatsLeft" name="seatsLeft" value="yes" defaultChecked={filters.seatsLeft === "yes"}>
                With seats left
              </Checkboxes.Item>
            </Checkboxes>
            <Select id="sort" name="sort" label="Sort by" defaultValue={filters.sort}>
              <Select.Option value="relevance">Relevance</Select.Option>
              <Select.Option value="deadline">Soonest deadline</Select.Option>
              <Select.Option value="newest">Newest</Select.Option>
            </Select>
            <Button type="submit">Search opportunities</Button>
            <p className="nhsuk-body-s nhsuk-u-margin-bottom-0">
              <Link to="/opportunities">Clear filters</Link>
            </p>
          </Form>
        </div>
        <div className="nhsuk-grid-column-two-thirds">
          <h2 className="nhsuk-heading-m" id="results" aria-live="polite">
            {total === 0 ? "No opportunities found" : plural(total, "opportunity", "opportunities")}
            {total > pageSize ? <span className="nhsuk-caption-m">Showing {from} to {to}</span> : null}
          </h2>
          {inForce.length ? (
            <div className="app-active-filters">
              <h3 className="nhsuk-heading-xs nhsuk-u-margin-bottom-2">Your filters</h3>
              <ul className="nhsuk-list app-active-filters__list">
                {inForce.map((f) => (
                  <li key={f.removeHref}>
                    <Link to={f.removeHref} className="app-active-filters__remove">
                      <span className="nhsuk-u-visually-hidden">Remove filter </span>
                      {f.name ? `${f.name}: ` : ""}
                      {f.value}
                      <span aria-hidden="true"> ×</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {total === 0 ? (
            <>
              <p>No open opportunity matches your search.</p>
              {filters.startFrom && filters.startTo && filters.startFrom > filters.startTo ? (
                <p>
                  Your &ldquo;starting on or after&rdquo; date, {formatDate(filters.startFrom)}, is later than your &ldquo;starting on
                  or before&rdquo; date, {formatDate(filters.startTo)}: swap them or remove one.
                </p>
              ) : null}
              <ul>
                <li>check your spelling or use fewer words</li>
                <li>remove some filters</li>
                <li>
                  <Link to="/opportunities">see every open opportunity</Link>
                </li>
              </ul>
            </>
          ) : (
            <OpportunityList items={results} headingLevel="h3" />
          )}
          <Pager page={page} lastPage={lastPage} href={(p) => searchHref(filters, { page: p })} />
        </div>
      </div>
    </>
  );
}
