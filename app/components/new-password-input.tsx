// The field where a person chooses a password (changing it, resetting it, accepting an
// invitation): one label pattern, the length rule as its hint, and the browser's hint to suggest one.
import { forwardRef, type ReactNode } from "react";

import { TextInput } from "~/components/nhsuk/text-input";
import { MIN_PASSWORD_LENGTH } from "~/models/passwords";

export const NewPasswordInput = forwardRef<HTMLInputElement, { name: string; label: string; error?: ReactNode }>(function NewPasswordInput(
  { name, label, error },
  ref,
) {
  return (
    <TextInput
      id={name}
      name={name}
      type="password"
      label={label}
      hint={`At least ${MIN_PASSWORD_LENGTH} characters`}
      autoComplete="new-password"
      ref={ref}
      error={error}
    />
  );
});
