import { Form } from "@remix-run/react";
import { Button } from "~/components/nhsuk/button";
import { Select } from "~/components/nhsuk/select";
import { TextInput } from "~/components/nhsuk/text-input";
import { Textarea } from "~/components/nhsuk/textarea";

import { REGIONS } from "~/models/domain";
import type { FormFailure } from "~/utils/forms";

import { fieldError, keptValue } from "./form-errors";

export interface TrustFormValues {
  odsCode: string;
  name: string;
  region: string;
  integratedCareSystem: string;
  sites: string;
}

export function TrustForm({ failure, initial, submitLabel }: { failure: FormFailure | undefined; initial: TrustFormValues; submitLabel: string }) {
  return (
    <Form method="post" noValidate>
      <TextInput
        id="name"
        name="name"
        label="Trust name"
        defaultValue={keptValue(failure, "name", initial.name)}
        error={fieldError(failure, "name")}
      />
      <TextInput
        id="odsCode"
        name="odsCode"
        label="ODS code"
        hint="The 3-character organisation code, for example RRK"
        width={4}
        spellCheck={false}
        defaultValue={keptValue(failure, "odsCode", initial.odsCode)}
        error={fieldError(failure, "odsCode")}
      />
      <Select
        id="region"
        name="region"
        label="NHS England region"
        defaultValue={keptValue(failure, "region", initial.region)}
        error={fieldError(failure, "region")}
      >
        <Select.Option value="">Select a region</Select.Option>
        {REGIONS.map((r) => (
          <Select.Option key={r} value={r}>
            {r}
          </Select.Option>
        ))}
      </Select>
      <TextInput
        id="integratedCareSystem"
        name="integratedCareSystem"
        label="Integrated care system"
        defaultValue={keptValue(failure, "integratedCareSystem", initial.integratedCareSystem)}
        error={fieldError(failure, "integratedCareSystem")}
      />
      <Textarea
        id="sites"
        name="sites"
        label="Sites"
        hint="One hospital or site on each line"
        rows={5}
        defaultValue={keptValue(failure, "sites", initial.sites)}
        error={fieldError(failure, "sites")}
      />
      <Button type="submit">{submitLabel}</Button>
    </Form>
  );
}
