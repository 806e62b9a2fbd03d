import { Form } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Checkboxes } from "~/components/nhsuk/checkboxes";
import { Fieldset } from "~/components/nhsuk/fieldset";
import { InsetText } from "~/components/nhsuk/inset-text";
import { Select } from "~/components/nhsuk/select";
import { TextInput } from "~/components/nhsuk/text-input";

import { DEFAULT_MAX_CHOICES, MAX_CHOICES, MIN_CHOICES } from "~/models/round-rules";
import { formatDate } from "~/utils/dates";
import type { FormFailure } from "~/utils/forms";
import { plural } from "~/utils/plural";

import { fieldError, keptValue, keptValues } from "./form-errors";

export interface RoundFormValues {
  name: string;
  opportunityIds: string[];
  opensDate: string;
  opensTime: string;
  closesDate: string;
  closesTime: string;
  maxChoices: string;
  seed: string;
}

export const EMPTY_ROUND: RoundFormValues = {
  name: "",
  opportunityIds: [],
  opensDate: "",
  opensTime: "09:00",
  closesDate: "",
  closesTime: "17:00",
  maxChoices: String(DEFAULT_MAX_CHOICES),
  seed: "",
};

export interface OpportunityOption {
  id: string;
  title: string;
  trustName: string;
  startsOn: string;
  endsOn: string;
  seats: number;
  heldBy: { id: string; name: string } | null;
}

export interface Places {
  regions: string[];
  systems: string[];
  trusts: { id: string; name: string }[];
}

/**
 * The admin's narrowing of the opportunities, a GET form of its own before the round's form:
 * 20,000 opportunities never fit on a page, so none are listed until a place is chosen.
 */
export function OpportunityFilter({ places, filters }: { places: Places; filters: { region?: string; ics?: string; trustId?: string } }) {
  return (
    <Form method="get" className="app-filters" aria-labelledby="find-opportunities">
      <h2 className="nhsuk-heading-m" id="find-opportunities">
        Find the opportunities
      </h2>
      <p>Choose a region, an integrated care system or a trust to list its published opportunities. You can choose any of them for the round.</p>
      <Select id="region" name="region" label="NHS England region" defaultValue={filters.region ?? ""}>
        <Select.Option value="">Any region</Select.Option>
        {places.regions.map((r) => (
          <Select.Option key={r} value={r}>
            {r}
          </Select.Option>
        ))}
      </Select>
      <Select id="ics" name="ics" label="Integrated care system" defaultValue={filters.ics ?? ""}>
        <Select.Option value="">Any integrated care system</Select.Option>
        {places.systems.map((s) => (
          <Select.Option key={s} value={s}>
            {s}
          </Select.Option>
        ))}
      </Select>
      <Select id="trust" name="trust" label="Trust" defaultValue={filters.trustId ?? ""}>
        <Select.Option value="">Any trust</Select.Option>
        {places.trusts.map((t) => (
          <Select.Option key={t.id} value={t.id}>
            {t.name}
          </Select.Option>
        ))}
      </Select>
      <Button type="submit" secondary className="nhsuk-u-margin-bottom-0">
        Show opportunities
      </Button>
    </Form>
  );
}

export function RoundForm({
  failure,
  initial,
  options,
  filtered,
  more,
  heldElsewhere = 0,
  forAdmin,
  showSeed = forAdmin,
  submitLabel,
}: {
  failure: FormFailure | undefined;
  initial: RoundFormValues;
  options: OpportunityOption[];
  filtered: boolean;
  more: boolean;
  /** How many matching opportunities are left out because another unfinished round holds them. */
  heldElsewhere?: number;
  /** Lists every trust's opportunities (an admin's round across trusts). */
  forAdmin: boolean;
  /** Only an admin sets the lottery seed. */
  showSeed?: boolean;
  submitLabel: string;
}) {
  const val = (name: keyof RoundFormValues) => keptValue(failure, name, initial[name] as string);
  const err = (name: string) => fieldError(failure, name);
  const chosen = keptValues(failure, "opportunityIds", initial.opportunityIds);
  const held = heldElsewhere
    ? ` ${plural(heldElsewhere, "opportunity", "opportunities")} already in another round ${heldElsewhere === 1 ? "is" : "are"} not listed.`
    : "";
  const opportunitiesHint = forAdmin
    ? `Published opportunities that have not started. Each must start after the round closes.${held}${
        more ? " Only the first 200 are listed: choose an integrated care system or a trust to see the rest." : ""
      }`
    : `Your trust's published opportunities that have not started. Each must start after the round closes.${held}`;
  return (
    <Form method="post" noValidate>
      <TextInput
        id="name"
        name="name"
        label="Name of the round"
        hint="Trainees see it, for example Spring 2027 leadership opportunities"
        defaultValue={val("name")}
        error={err("name")}
        spellCheck
      />

      {options.length ? (
        <Checkboxes
          name="opportunityIds"
          legend="Opportunities in the round"
          legendProps={{ size: "m" }}
          hint={opportunitiesHint}
          error={err("opportunityIds")}
        >
          {options.map((o, i) => (
            <Checkboxes.Item
              key={o.id}
              id={i === 0 ? "opportunityIds" : `opportunityIds-${o.id}`}
              value={o.id}
              defaultChecked={chosen.includes(o.id)}
              hint={
                <>
                  {forAdmin ? `${o.trustName}. ` : ""}
                  {formatDate(o.startsOn)} to {formatDate(o.endsOn)}, {plural(o.seats, "seat")}.{o.heldBy ? ` Already in the round ${o.heldBy.name}.` : null}
                </>
              }
            >
              {o.title}
            </Checkboxes.Item>
          ))}
        </Checkboxes>
      ) : (
        <div className={err("opportunityIds") ? "nhsuk-form-group nhsuk-form-group--error" : "nhsuk-form-group"}>
          <h2 className="nhsuk-heading-m">Opportunities in the round</h2>
          {err("opportunityIds") ? (
            <span className="nhsuk-error-message" id="opportunityIds">
              <span className="nhsuk-u-visually-hidden">Error: </span>
              {err("opportunityIds")}
            </span>
          ) : null}
          <InsetText>
            <p>
              {forAdmin && !filtered
                ? "Choose a region, an integrated care system or a trust above to list its opportunities."
                : forAdmin
                ? `No published opportunity there has yet to start.${held} Choose another place above.`
                : `Your trust has no published opportunity that has yet to start.${held} Publish an opportunity first, then add it to a round.`}
            </p>
          </InsetText>
        </div>
      )}

      <MomentFields
        name="opens"
        legend="Opens for choices"
        hint="UK time. Trainees can add choices from then. You can change the round until it opens."
        example="09:00"
        val={val}
        err={err}
      />
      <MomentFields name="closes" legend="Closes and allocates" hint="UK time. The round closes by itself then and allocates the places." example="17:00" val={val} err={err} />

      <TextInput
        id="maxChoices"
        name="maxChoices"
        label="How many opportunities each trainee may rank"
        hint={`From ${MIN_CHOICES} to ${MAX_CHOICES}`}
        inputMode="numeric"
        width={2}
        defaultValue={val("maxChoices")}
        error={err("maxChoices")}
      />

      {showSeed ? (
        <TextInput
          id="seed"
          name="seed"
          label="Lottery seed (optional)"
          hint="Leave blank to draw one at random when the round closes. Ties between equally good allocations are broken by a lottery drawn from it, so the same seed always gives the same allocation."
          width={20}
          spellCheck={false}
          autoComplete="off"
          defaultValue={val("seed")}
          error={err("seed")}
        />
      ) : null}

      <Button type="submit">{submitLabel}</Button>
    </Form>
  );
}

/** A date and a time on the London wall clock, as one question: when the round opens, or closes. */
function MomentFields({
  name,
  legend,
  hint,
  example,
  val,
  err,
}: {
  name: "opens" | "closes";
  legend: string;
  hint: string;
  example: string;
  val: (field: `${"opens" | "closes"}${"Date" | "Time"}`) => string | undefined;
  err: (field: string) => string | undefined;
}) {
  return (
    <Fieldset aria-describedby={`${name}-hint`}>
      <Fieldset.Legend size="m" headingLevel="h2">
        {legend}
      </Fieldset.Legend>
      <div className="nhsuk-hint" id={`${name}-hint`}>
        {hint}
      </div>
      <div className="nhsuk-grid-row">
        <div className="nhsuk-grid-column-one-half">
          <TextInput id={`${name}Date`} name={`${name}Date`} type="date" label="Date" defaultValue={val(`${name}Date` as const)} error={err(`${name}Date`)} />
        </div>
        <div className="nhsuk-grid-column-one-half">
          <TextInput
            id={`${name}Time`}
            name={`${name}Time`}
            type="time"
            label="Time"
            hint={`For example, ${example}`}
            width={10}
            defaultValue={val(`${name}Time` as const)}
            error={err(`${name}Time`)}
          />
        </div>
      </div>
    </Fieldset>
  );
}
