import * as v from "valibot";

import { requiredText } from "~/utils/forms";

import { GRADES, REGIONS, ROLES } from "./domain";
import { UUID } from "./ids";
import { isCommonPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./passwords";

// UUID lives in ids.ts so the placement form's schema can use it without making the schemas
// here part of the page's JavaScript wherever that form is (see utils/forms.ts).
export { UUID };

export const EmailSchema = v.pipe(
  v.string("Enter an email address"),
  v.trim(),
  v.toLowerCase(),
  v.nonEmpty("Enter an email address"),
  v.maxLength(254, "Email address must be 254 characters or fewer"),
  v.email("Enter an email address in the correct format, like name@example.nhs.uk"),
);

export const NewPasswordSchema = v.pipe(
  v.string("Enter a password"),
  v.nonEmpty("Enter a password"),
  v.minLength(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters`),
  v.maxLength(MAX_PASSWORD_LENGTH, `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`),
  v.check((p) => !isCommonPassword(p), "This password is too common. Choose one that is harder to guess"),
);

export const GmcNumberSchema = v.pipe(
  v.string("Enter your GMC number"),
  v.trim(),
  v.nonEmpty("Enter your GMC number"),
  v.regex(/^\d{7}$/, "GMC number must be 7 digits, like 1234567"),
);

export const GradeSchema = v.picklist(GRADES, "Select your grade");

export const SignInSchema = v.object({
  email: EmailSchema,
  password: v.pipe(v.string("Enter your password"), v.nonEmpty("Enter your password"), v.maxLength(MAX_PASSWORD_LENGTH, "Enter your password")),
  redirectTo: v.optional(v.string(), ""),
});

export const RegisterTraineeSchema = v.object({
  name: requiredText("Enter your full name", 120, "Full name must be 120 characters or fewer"),
  email: EmailSchema,
  gmcNumber: GmcNumberSchema,
  grade: GradeSchema,
  password: NewPasswordSchema,
});
export type RegisterTraineeInput = v.InferOutput<typeof RegisterTraineeSchema>;

export const InviteStaffSchema = v.pipe(
  v.object({
    name: requiredText("Enter the person's full name", 120, "Full name must be 120 characters or fewer"),
    email: EmailSchema,
    role: v.picklist(
      ROLES.filter((r) => r !== "trainee") as ["trust_lead", "dme", "admin"],
      "Select a role",
    ),
    trustId: v.optional(v.string(), ""),
  }),
  v.forward(
    v.check((input) => input.role === "admin" || UUID.test(input.trustId), "Select the trust this person works for"),
    ["trustId"],
  ),
  v.forward(
    v.check((input) => input.role !== "admin" || input.trustId === "", "A regional administrator works across trusts: leave the trust empty"),
    ["trustId"],
  ),
);
export type InviteStaffInput = v.InferOutput<typeof InviteStaffSchema>;

export const AcceptInvitationSchema = v.object({
  name: requiredText("Enter your full name", 120, "Full name must be 120 characters or fewer"),
  password: NewPasswordSchema,
});

// Fields in the order the form shows them: the error summary lists the problems in this order.
export const TrustSchema = v.object({
  name: requiredText("Enter the trust's name", 200, "Name must be 200 characters or fewer"),
  odsCode: v.pipe(
    v.string("Enter the ODS code"),
    v.trim(),
    v.toUpperCase(),
    v.nonEmpty("Enter the ODS code"),
    v.regex(/^[A-Z0-9]{3}$/, "ODS code must be 3 letters or numbers, like RRK"),
  ),
  region: v.picklist(REGIONS, "Select the NHS England region"),
  integratedCareSystem: requiredText("Enter the integrated care system", 200, "Integrated care system must be 200 characters or fewer"),
  sites: v.pipe(
    v.optional(v.string(), ""),
    v.transform((s) =>
      s
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean),
    ),
    v.check((list) => list.every((s) => s.length <= 200), "Each site name must be 200 characters or fewer"),
    v.check((list) => new Set(list.map((s) => s.toLowerCase())).size === list.length, "Each site must be listed once"),
  ),
});
export type TrustInput = v.InferOutput<typeof TrustSchema>;

const CurrentPasswordSchema = v.pipe(
  v.string("Enter your current password"),
  v.nonEmpty("Enter your current password"),
  v.maxLength(MAX_PASSWORD_LENGTH, "Enter your current password"),
);

export const ChangePasswordSchema = v.pipe(
  v.object({ currentPassword: CurrentPasswordSchema, newPassword: NewPasswordSchema }),
  v.forward(
    v.check((input) => input.currentPassword !== input.newPassword, "Your new password must be different from your current one"),
    ["newPassword"],
  ),
);

export const ForgottenPasswordSchema = v.object({ email: EmailSchema });

export const ResetPasswordSchema = v.object({ password: NewPasswordSchema });

export const CorrectEmailSchema = v.object({ email: EmailSchema });
