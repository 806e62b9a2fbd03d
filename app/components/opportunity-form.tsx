import { Form } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Checkboxes } from "~/components/nhsuk/checkboxes";
import { Fieldset } from "~/components/nhsuk/fieldset";
import { Radios } from "~/components/nhsuk/radios";
import { Select } from "~/components/nhsuk/select";
import { TextInput } from "~/components/nhsuk/text-input";
import { Textarea } from "~/components/nhsuk/textarea";

import { FOCUSES, GRADES, HLM_DIMENSIONS, HLM_LABELS, OPPORTUNITY_TYPE_LABELS, OPPORTUNITY_TYPES, TIER_LABELS } from "~/models/domain";
import { SESSION_ROWS } from "~/models/opportunities.schema";
import type { FormFailure } from "~/utils/forms";

import { fieldError, keptValue, keptValues } from "./form-errors";

export interface OpportunityFormValues {
  type: string;
  title: string;
  summary: string;
  description: string;
  siteId: string;
  objectiveId: string;
  sponsorName: string;
  sponsorRole: string;
  startsOn: string;
  endsOn: string;
  applicationDeadline: string;
  totalHours: string;
  hoursPerWeek: string;
  seats: string;
  eligibleGrades: string[];
  specialties: string;
  ltftFriendly: boolean;
  multiprofessional: boolean;
  tier: string;
  focus: string;
  hlmDimensions: string[];
  learningOutcomes: string;
  sessions: { date: string; startsAt: string; endsAt: string; location: string }[];
}

export const EMPTY_OPPORTUNITY: OpportunityFormValues = {
  type: "", title: "", summary: "", description: "", siteId: "", objectiveId: "", sponsorName: "", sponsorRole: "",
  startsOn: "", endsOn: "", applicationDeadline: "", totalHours: "", hoursPerWeek: "", seats: "1", eligibleGrades: [],
  specialties: "", ltftFriendly: false, multiprofessional: false, tier: "", focus: "", hlmDimensions: [], learningOutcomes: "", sessions: [],
};

const FOCUS_LABELS: Record<string, string> = {
  self: "Self: personal leadership",
  team: "Team",
  organisation: "Organisation",
  system: "System: across organisations",
};

interface Props {
  failure: FormFailure | undefined;
  initial: OpportunityFormValues;
  sites: { id: string; name: string }[];
  objectives: { id: string; title: string; retired: boolean }[];
  submitLabel: string;
}

export function OpportunityForm({ failure, initial, sites, objectives, submitLabel }: Props) {
  const val = (name: keyof OpportunityFormValues) => keptValue(failure, name, String(initial[name] ?? ""));
  const many = (name: "eligibleGrades" | "hlmDimensions") => keptValues(failure, name, initial[name]);
  const flag = (name: "ltftFriendly" | "multiprofessional") => (failure ? keptValue(failure, name) === "yes" : initial[name]);
  const sessionValue = (field: "sessionDate" | "sessionStart" | "sessionEnd" | "sessionLocation", i: number) => {
    if (failure) return keptValues(failure, field)[i] ?? "";
    const s = initial.sessions[i];
    if (!s) return "";
    return { sessionDate: s.date, sessionStart: s.startsAt.slice(0, 5), sessionEnd: s.endsAt.slice(0, 5), sessionLocation: s.location }[field];
  };
  const err = (name: string) => fieldError(failure, name);
  return (
    <Form method="post" noValidate>
      <Radios name="type" legend="Type of opportunity" legendProps={{ size: "m" }} error={err("type")}>
        {OPPORTUNITY_TYPES.map((t, i) => (
          <Radios.Item key={t} id={i === 0 ? "type" : `type-${t}`} value={t} defaultChecked={val("type") === t}>
            {OPPORTUNITY_TYPE_LABELS[t]}
          </Radios.Item>
        ))}
      </Radios>

      <Fieldset>
        <Fieldset.Legend size="m" headingLevel="h2">About the opportunity</Fieldset.Legend>
        <TextInput id="title" name="title" label="Title" defaultValue={val("title")} error={err("title")} />
        <Textarea id="summary" name="summary" label="Summary" hint="One sentence, shown in search results" rows={2} defaultValue={val("summary")} error={err("summary")} />
        <Textarea
          id="description"
          name="description"
          label="Description"
          hint={'What the trainee will do and why it matters. Leave a blank line between paragraphs; start a line with a dash and a space ("- ") for a list'}
          rows={8}
          defaultValue={val("description")}
          error={err("description")}
        />
        <Textarea
          id="learningOutcomes"
          name="learningOutcomes"
          label="Learning outcomes"
          hint="One on each line"
          rows={4}
          defaultValue={val("learningOutcomes")}
          error={err("learningOutcomes")}
        />
        <Select id="objectiveId" name="objectiveId" label="Organisational objective it supports" hint="Required for a quality improvement project" defaultValue={val("objectiveId")} error={err("objectiveId")}>
          <Select.Option value="">None</Select.Option>
          {objectives.map((o) => (
            <Select.Option key={o.id} value={o.id}>
              {o.title}
              {o.retired ? " (retired)" : ""}
            </Select.Option>
          ))}
        </Select>
        <Select id="siteId" name="siteId" label="Site" defaultValue={val("siteId")} error={err("siteId")}>
          <Select.Option value="">Across the trust</Select.Option>
          {sites.map((s) => (
            <Select.Option key={s.id} value={s.id}>
              {s.name}
            </Select.Option>
          ))}
        </Select>
        <TextInput id="sponsorName" name="sponsorName" label="Sponsor's name" defaultValue={val("sponsorName")} error={err("sponsorName")} />
        <TextInput id="sponsorRole" name="sponsorRole" label="Sponsor's role" hint="For example, Chief Medical Officer" defaultValue={val("sponsorRole")} error={err("sponsorRole")} />
      </Fieldset>

      <Fieldset>
        <Fieldset.Legend size="m" headingLevel="h2">Dates and time</Fieldset.Legend>
        <TextInput id="startsOn" name="startsOn" type="date" label="Start date" width={10} defaultValue={val("startsOn")} error={err("startsOn")} />
        <TextInput id="endsOn" name="endsOn" type="date" label="End date" width={10} defaultValue={val("endsOn")} error={err("endsOn")} />
        <TextInput id="applicationDeadline" name="applicationDeadline" type="date" label="Application deadline" hint="On or before the start date" width={10} defaultValue={val("applicationDeadline")} error={err("applicationDeadline")} />
        <TextInput id="totalHours" name="totalHours" label="Total hours" inputMode="decimal" width={4} defaultValue={val("totalHours")} error={err("totalHours")} />
        <TextInput id="hoursPerWeek" name="hoursPerWeek" label="Hours a week" inputMode="decimal" width={4} defaultValue={val("hoursPerWeek")} error={err("hoursPerWeek")} />
      </Fieldset>

      <Fieldset aria-describedby="sessions-hint">
        <Fieldset.Legend size="m" headingLevel="h2">Dated sessions</Fieldset.Legend>
        <div className="nhsuk-hint" id="sessions-hint">
          Meetings, shadowing days or workshops on fixed dates. Board seats and shadowing need at least one. Leave rows you do not need empty.
        </div>
        <div className={err("sessions") ? "nhsuk-form-group nhsuk-form-group--error" : "nhsuk-form-group"}>
          {err("sessions") ? (
            <span className="nhsuk-error-message" id="sessions-error">
              <span className="nhsuk-u-visually-hidden">Error:</span> {err("sessions")}
            </span>
          ) : null}
          {Array.from({ length: SESSION_ROWS }, (_, i) => (
            <fieldset className="nhsuk-fieldset app-session-row" key={i}>
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Session {i + 1}</legend>
              <div className="nhsuk-grid-row">
                <div className="nhsuk-grid-column-one-third">
                  <TextInput id={i === 0 ? "sessions" : `sessionDate-${i}`} name="sessionDate" type="date" label={`Session ${i + 1} date`} defaultValue={sessionValue("sessionDate", i)} />
                </div>
                <div className="nhsuk-grid-column-one-third">
                  <TextInput id={`sessionStart-${i}`} name="sessionStart" type="time" label={`Session ${i + 1} start time`} defaultValue={sessionValue("sessionStart", i)} />
                </div>
                <div className="nhsuk-grid-column-one-third">
                  <TextInput id={`sessionEnd-${i}`} name="sessionEnd" type="time" label={`Session ${i + 1} end time`} defaultValue={sessionValue("sessionEnd", i)} />
                </div>
              </div>
              <TextInput id={`sessionLocation-${i}`} name="sessionLocation" label={`Session ${i + 1} location`} defaultValue={sessionValue("sessionLocation", i)} />
            </fieldset>
          ))}
        </div>
      </Fieldset>

      <Fieldset>
        <Fieldset.Legend size="m" headingLevel="h2">Who can apply</Fieldset.Legend>
        <TextInput id="seats" name="seats" label="Number of seats" hint="From 1 to 50" inputMode="numeric" width={3} defaultValue={val("seats")} error={err("seats")} />
        <Checkboxes name="eligibleGrades" legend="Eligible grades" hint="Select all that apply" error={err("eligibleGrades")} small>
          {GRADES.map((g, i) => (
            <Checkboxes.Item key={g} id={i === 0 ? "eligibleGrades" : `eligibleGrades-${g}`} value={g} defaultChecked={many("eligibleGrades").includes(g)}>
              {g}
            </Checkboxes.Item>
          ))}
        </Checkboxes>
        <Textarea id="specialties" name="specialties" label="Specialties (optional)" hint="Leave empty to welcome every specialty, or list one on each line" rows={3} defaultValue={val("specialties")} error={err("specialties")} />
        <Checkboxes name="ltftFriendly" legend="Working patterns and teams" small>
          <Checkboxes.Item id="ltftFriendly" value="yes" defaultChecked={flag("ltftFriendly")}>
            Suits trainees working less than full time
          </Checkboxes.Item>
          <Checkboxes.Item id="multiprofessional" name="multiprofessional" value="yes" defaultChecked={flag("multiprofessional")}>
            Works in a multiprofessional team
          </Checkboxes.Item>
        </Checkboxes>
      </Fieldset>

      <Fieldset>
        <Fieldset.Legend size="m" headingLevel="h2">Leadership development</Fieldset.Legend>
        <Radios name="tier" legend="Tier" error={err("tier")}>
          {([1, 2, 3] as const).map((t, i) => (
            <Radios.Item key={t} id={i === 0 ? "tier" : `tier-${t}`} value={String(t)} defaultChecked={val("tier") === String(t)}>
              {TIER_LABELS[t]}
            </Radios.Item>
          ))}
        </Radios>
        <Radios name="focus" legend="Focus" error={err("focus")}>
          {FOCUSES.map((f, i) => (
            <Radios.Item key={f} id={i === 0 ? "focus" : `focus-${f}`} value={f} defaultChecked={val("focus") === f}>
              {FOCUS_LABELS[f]}
            </Radios.Item>
          ))}
        </Radios>
        <Checkboxes name="hlmDimensions" legend="Healthcare Leadership Model dimensions" hint="Select all that the opportunity develops" error={err("hlmDimensions")} small>
          {HLM_DIMENSIONS.map((d, i) => (
            <Checkboxes.Item key={d} id={i === 0 ? "hlmDimensions" : `hlmDimensions-${d}`} value={d} defaultChecked={many("hlmDimensions").includes(d)}>
              {HLM_LABELS[d]}
            </Checkboxes.Item>
          ))}
        </Checkboxes>
      </Fieldset>

      <Button type="submit">{submitLabel}</Button>
    </Form>
  );
}
