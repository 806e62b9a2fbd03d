// APP_ORIGIN at start-up: links in e-mails are built from it, never from a Host header in production.
import { describe, expect, it } from "vitest";

import { SettingError } from "~/utils/env.server";
import { checkAppOrigin } from "~/utils/origin.server";

describe("APP_ORIGIN", () => {
  it("a forged Host header could point an e-mailed reset link at another site: production needs APP_ORIGIN", () => {
    expect(() => checkAppOrigin(undefined, true)).toThrow(SettingError);
    expect(() => checkAppOrigin("", true)).toThrow(/required in production/);
    expect(() => checkAppOrigin("https://invitational.example.nhs.uk", true)).not.toThrow();
    // Outside production the request's origin stands in for it.
    expect(() => checkAppOrigin(undefined, false)).not.toThrow();
  });

  it("refuses anything but an origin, which every same-origin check and link needs", () => {
    for (const bad of ["invitational.example.nhs.uk", "https://invitational.example.nhs.uk/", "https://invitational.example.nhs.uk/app", "ftp://x.example", "not a url"]) {
      expect(() => checkAppOrigin(bad, false), bad).toThrow(/APP_ORIGIN must be the public origin/);
    }
    expect(() => checkAppOrigin("http://localhost:3000", false)).not.toThrow();
  });
});
