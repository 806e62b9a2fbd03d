// The button that starts an NHS CIS2 sign-in: a POST form (it works without JavaScript), sent
// as a whole-page request so the answer's redirect takes the browser to the provider.
import { Form } from "@remix-run/react";

import { Button } from "~/components/nhsuk/button";

export function Cis2Button({
  purpose,
  label,
  redirectTo = "",
  token,
  id = "cis2-sign-in",
  secondary = false,
}: {
  purpose: "sign_in" | "invitation";
  label: string;
  redirectTo?: string;
  /** The invitation's token, for "invitation". */
  token?: string;
  id?: string;
  secondary?: boolean;
}) {
  return (
    <Form method="post" action="/sign-in/cis2" reloadDocument id={id}>
      <input type="hidden" name="purpose" value={purpose} />
      {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
      {token ? <input type="hidden" name="token" value={token} /> : null}
      <Button type="submit" secondary={secondary}>
        {label}
      </Button>
    </Form>
  );
}
