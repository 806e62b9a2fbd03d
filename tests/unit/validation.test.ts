import * as v from "valibot";
import { describe, expect, it } from "vitest";

import { InviteStaffSchema, RegisterTraineeSchema, SignInSchema, TrustSchema } from "~/models/accounts.schema";
import { isCommonPassword } from "~/models/passwords";
import { parseForm } from "~/utils/forms";

function form(fields: Record<string, string>) {
  const f = new FormData();
  for (const [k, val] of Object.entries(fields)) f.append(k, val);
  return f;
}

const goodTrainee = {
  name: "Dr Ada Lovelace",
  email: "Ada.Lovelace@Example.NHS.uk ",
  gmcNumber: "1234567",
  grade: "FY2",
  password: "a long unusual passphrase",
};

describe("trainee registration schema", () => {
  it("accepts a valid trainee and normalises the email address", () => {
    const result = parseForm(RegisterTraineeSchema, form(goodTrainee));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.data.email).toBe("ada.lovelace@example.nhs.uk");
  });

  it.each([
    ["123456", "GMC number must be 7 digits, like 1234567"],
    ["12345678", "GMC number must be 7 digits, like 1234567"],
    ["12a4567", "GMC number must be 7 digits, like 1234567"],
    ["", "Enter your GMC number"],
  ])("refuses GMC number %j", (gmcNumber, message) => {
    const result = parseForm(RegisterTraineeSchema, form({ ...goodTrainee, gmcNumber }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors.gmcNumber).toBe(message);
  });

  it("refuses a password under 12 characters and does not echo it back", () => {
    const result = parseForm(RegisterTraineeSchema, form({ ...goodTrainee, password: "short pass" }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors.password).toBe("Password must be at least 12 characters");
    expect(result.values.password).toBeUndefined();
    expect(result.values.name).toBe("Dr Ada Lovelace");
  });

  it("refuses a common password even when it is long enough", () => {
    expect(isCommonPassword("Password1234")).toBe(true);
    const result = parseForm(RegisterTraineeSchema, form({ ...goodTrainee, password: "password1234" }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors.password).toMatch(/too common/);
  });

  it("refuses an unknown grade and a malformed email address", () => {
    const result = parseForm(RegisterTraineeSchema, form({ ...goodTrainee, grade: "ST9", email: "not-an-email" }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors.grade).toBe("Select your grade");
    expect(result.fieldErrors.email).toMatch(/correct format/);
  });
});

describe("text from forms", () => {
  it("loses NUL bytes before it reaches the database", () => {
    const result = parseForm(RegisterTraineeSchema, form({ ...goodTrainee, name: "Dr Ada\u0000 Lovelace" }));
    expect(result.ok && result.data.name).toBe("Dr Ada Lovelace");
  });
});

describe("sign-in schema", () => {
  it("needs both fields", () => {
    const result = v.safeParse(SignInSchema, { email: "", password: "" });
    expect(result.success).toBe(false);
  });
});

describe("staff invitation schema", () => {
  const base = { name: "Sam Lead", email: "sam@example.nhs.uk", role: "trust_lead", trustId: "" };

  it("requires a trust for trust leads and DMEs", () => {
    const result = parseForm(InviteStaffSchema, form(base));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors.trustId).toBe("Select the trust this person works for");
  });

  it("refuses a trust id that is not a UUID instead of failing in the database", () => {
    const result = parseForm(InviteStaffSchema, form({ ...base, trustId: "1 or 1=1" }));
    expect(result.ok).toBe(false);
  });

  it("does not need a trust for an administrator", () => {
    const result = parseForm(InviteStaffSchema, form({ ...base, role: "admin" }));
    expect(result.ok).toBe(true);
  });

  it("says so when a trust is chosen for an administrator, rather than dropping it", () => {
    const result = parseForm(InviteStaffSchema, form({ ...base, role: "admin", trustId: "6f1c0a52-3c52-4a8e-9d3b-2a8b7c1d9e01" }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors.trustId).toBe("A regional administrator works across trusts: leave the trust empty");
  });

  it("refuses the trainee role: trainees register themselves", () => {
    const result = parseForm(InviteStaffSchema, form({ ...base, role: "trainee" }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors.role).toBe("Select a role");
  });
});

describe("trust schema", () => {
  const base = { odsCode: "rrk", name: "A Trust", region: "Midlands", integratedCareSystem: "Birmingham", sites: "One\r\n\r\n Two \n" };

  it("upper-cases the ODS code and splits sites by line", () => {
    const result = parseForm(TrustSchema, form(base));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.odsCode).toBe("RRK");
    expect(result.data.sites).toEqual(["One", "Two"]);
  });

  it.each(["RR", "RRKK", "R-K"])("refuses ODS code %j", (odsCode) => {
    const result = parseForm(TrustSchema, form({ ...base, odsCode }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors.odsCode).toMatch(/3 letters or numbers/);
  });

  it("refuses a site listed twice", () => {
    const result = parseForm(TrustSchema, form({ ...base, sites: "One\none" }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors.sites).toBe("Each site must be listed once");
  });

  it("the trust form's error summary lists the ODS code before the name, though the form asks for the name first", () => {
    const result = parseForm(TrustSchema, form({ odsCode: "", name: "", region: "", integratedCareSystem: "", sites: "" }));
    expect(result.ok).toBe(false);
    // The summary lists the problems in this order; app/components/trust-form.tsx asks in the same one.
    if (!result.ok) expect(Object.keys(result.fieldErrors)).toEqual(["name", "odsCode", "region", "integratedCareSystem"]);
  });

  it("refuses an unknown region", () => {
    const result = parseForm(TrustSchema, form({ ...base, region: "Wales" }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.fieldErrors.region).toBe("Select the NHS England region");
  });
});
