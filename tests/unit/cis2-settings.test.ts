// NHS CIS2 settings read from the environment (app/cis2.server.ts): what is accepted, and the
// plain message naming the variable, never its value, for what is not.
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { acrMeetsMinimum, cis2RedirectUrl, DEFAULT_ACR_ORDER, readCis2Settings } from "~/cis2.server";
import { SettingError } from "~/utils/env.server";

const rsaPem = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "pem", type: "pkcs8" }) as string;
const ecPem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "pkcs8" }) as string;
const BASE = { CIS2_ISSUER: "https://cis2.example.nhs.uk/realms/Healthcare", CIS2_CLIENT_ID: "invitational" };

const read = (env: Record<string, string>, production: boolean) => readCis2Settings(env as NodeJS.ProcessEnv, production);

function refusal(env: Record<string, string>, production = false): string {
  try {
    read(env, production);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingError);
    return (error as Error).message;
  }
  throw new Error("the settings were accepted");
}

describe("NHS CIS2 settings", () => {
  it("no CIS2_ variable at all: CIS2 is off", () => {
    expect(read({ PORT: "3000" }, true)).toBeNull();
  });

  it("a private key in PEM: private_key_jwt signed RS512 (as CIS2 asks), the defaults for the rest", () => {
    const settings = read({ ...BASE, CIS2_PRIVATE_KEY: rsaPem, CIS2_KEY_ID: "key-1" }, true)!;
    expect(settings).toMatchObject({
      issuer: BASE.CIS2_ISSUER,
      clientId: "invitational",
      auth: { method: "private_key_jwt", keyId: "key-1", algorithm: "RS512" },
      redirectUrl: null,
      acrValues: null,
      minAcr: null,
      maxAge: null,
      scopes: "openid email profile",
    });
    expect(settings.acrOrder).toEqual([...DEFAULT_ACR_ORDER]);
  });

  it("the key's line breaks written as \\n in one line, or the key in a file, work alike; a P-256 key signs ES256", () => {
    expect(read({ ...BASE, CIS2_PRIVATE_KEY: rsaPem.replace(/\n/g, "\\n") }, true)!.auth.method).toBe("private_key_jwt");
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "cis2-key-")), "key.pem");
    writeFileSync(file, ecPem);
    expect(read({ ...BASE, CIS2_PRIVATE_KEY_FILE: file }, true)!.auth).toMatchObject({ method: "private_key_jwt", algorithm: "ES256" });
  });

  it("a client secret: client_secret_post; acr, max_age, scopes and the redirect address as given", () => {
    const settings = read(
      {
        ...BASE,
        CIS2_CLIENT_SECRET: "s3cret-value",
        CIS2_ACR_VALUES: "AAL3_ANY",
        CIS2_MIN_ACR: "AAL2_ANY",
        CIS2_MAX_AGE: "3600",
        CIS2_SCOPES: "openid email profile nationalrbacaccess",
        CIS2_REDIRECT_URL: "https://invitational.example.nhs.uk/sign-in/cis2/callback",
      },
      true,
    )!;
    expect(settings).toMatchObject({ auth: { method: "client_secret_post" }, acrValues: "AAL3_ANY", minAcr: "AAL2_ANY", maxAge: 3600 });
    expect(cis2RedirectUrl(settings, "http://ignored.example")).toBe("https://invitational.example.nhs.uk/sign-in/cis2/callback");
  });

  it("each setting that cannot work stops start-up with a message naming the variable, and no secret in it", () => {
    expect(refusal({ CIS2_CLIENT_ID: "x" })).toMatch(/^CIS2_ISSUER must be set/);
    expect(refusal({ ...BASE, CIS2_ISSUER: "not a url", CIS2_CLIENT_SECRET: "x" })).toMatch(/^CIS2_ISSUER must be a URL/);
    expect(refusal({ ...BASE, CIS2_ISSUER: "http://cis2.example", CIS2_CLIENT_SECRET: "x" }, true)).toMatch(/^CIS2_ISSUER must be an https:\/\/ URL in production/);
    expect(refusal({ CIS2_ISSUER: BASE.CIS2_ISSUER, CIS2_CLIENT_SECRET: "x" })).toMatch(/^CIS2_CLIENT_ID must be set/);
    expect(refusal({ ...BASE })).toMatch(/^CIS2_PRIVATE_KEY .*exactly one/);
    expect(refusal({ ...BASE, CIS2_CLIENT_SECRET: "top-secret-1", CIS2_PRIVATE_KEY: rsaPem })).toMatch(/^CIS2_PRIVATE_KEY .*exactly one/);
    const badKey = refusal({ ...BASE, CIS2_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\nsecretmaterial\n-----END PRIVATE KEY-----" });
    expect(badKey).toMatch(/^CIS2_PRIVATE_KEY must be a private key in PEM/);
    expect(badKey).not.toContain("secretmaterial");
    expect(refusal({ ...BASE, CIS2_PRIVATE_KEY_FILE: "/no/such/key.pem" })).toMatch(/^CIS2_PRIVATE_KEY_FILE names a file that cannot be read/);
    expect(refusal({ ...BASE, CIS2_PRIVATE_KEY: rsaPem, CIS2_KEY_ALG: "ES256" })).toMatch(/^CIS2_KEY_ALG must match the private key/);
    expect(refusal({ ...BASE, CIS2_PRIVATE_KEY: rsaPem, CIS2_KEY_ALG: "none" })).toMatch(/^CIS2_KEY_ALG must be one of/);
    expect(refusal({ ...BASE, CIS2_CLIENT_SECRET: "x", CIS2_MIN_ACR: "AAL9" })).toMatch(/^CIS2_MIN_ACR must be one of the levels in CIS2_ACR_ORDER/);
    expect(refusal({ ...BASE, CIS2_CLIENT_SECRET: "x", CIS2_ACR_ORDER: "A,B,A" })).toMatch(/^CIS2_ACR_ORDER must list/);
    expect(refusal({ ...BASE, CIS2_CLIENT_SECRET: "x", CIS2_MAX_AGE: "an hour" })).toMatch(/^CIS2_MAX_AGE must be a whole number/);
    expect(refusal({ ...BASE, CIS2_CLIENT_SECRET: "x", CIS2_SCOPES: "email profile" })).toMatch(/^CIS2_SCOPES must include "openid"/);
    expect(refusal({ ...BASE, CIS2_CLIENT_SECRET: "x", CIS2_REDIRECT_URL: "https://invitational.example/callback" })).toMatch(/^CIS2_REDIRECT_URL must end in \/sign-in\/cis2\/callback/);
    expect(refusal({ ...BASE, CIS2_CLIENT_SECRET: "top-secret-2", CIS2_ACR_ORDER: "A,B,A" })).not.toContain("top-secret");
  });
});

describe("the assurance level minimum", () => {
  const settings = { minAcr: "AAL2_ANY", acrOrder: DEFAULT_ACR_ORDER };
  it("accepts the minimum and anything above it in the configured order", () => {
    expect(acrMeetsMinimum("AAL2_ANY", settings)).toBe(true);
    expect(acrMeetsMinimum("AAL3_ANY", settings)).toBe(true);
  });
  it("refuses a lower level, an unknown one and none at all", () => {
    expect(acrMeetsMinimum("AAL2_OTP", settings)).toBe(false);
    expect(acrMeetsMinimum("AAL1_USERPASS", settings)).toBe(false);
    expect(acrMeetsMinimum("AAL4_MADE_UP", settings)).toBe(false);
    expect(acrMeetsMinimum(null, settings)).toBe(false);
  });
  it("with no minimum configured, any level (or none) is accepted", () => {
    expect(acrMeetsMinimum(null, { minAcr: null, acrOrder: DEFAULT_ACR_ORDER })).toBe(true);
  });
});
