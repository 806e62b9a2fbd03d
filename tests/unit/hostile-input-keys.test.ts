// Keys from a form or an address, found by tests/routes/hostile-input.test.ts.
import * as v from "valibot";
import { describe, expect, it } from "vitest";

import { issuesToFieldErrors } from "~/utils/forms";
import { ownValue } from "~/utils/own";

describe("a refused checkbox item's message was keyed hlmDimensions.0, a field no page has, so the error summary linked nowhere", () => {
  it("keys it by the checkbox group, the field the page shows", () => {
    const schema = v.object({ hlmDimensions: v.array(v.picklist(["a", "b"], "Choose the dimensions from the list")) });
    const result = v.safeParse(schema, { hlmDimensions: ["a", "<script>"] });
    expect(result.success).toBe(false);
    expect(issuesToFieldErrors(result.issues!)).toEqual({ hlmDimensions: "Choose the dimensions from the list" });
  });
});

describe("?done=__proto__ took Object.prototype for a confirmation and the page answered 500", () => {
  it("finds only the record's own keys", () => {
    const DONE = { saved: "Your changes are saved" };
    expect(ownValue(DONE, "saved")).toBe("Your changes are saved");
    for (const key of ["__proto__", "constructor", "toString", "hasOwnProperty", "", null]) expect(ownValue(DONE, key)).toBeUndefined();
  });
});
