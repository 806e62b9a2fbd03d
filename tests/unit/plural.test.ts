import { describe, expect, it } from "vitest";

import { plural, pluralWord } from "~/utils/plural";

describe("counts in words ('1 trainees' on the DME home)", () => {
  it("puts the word in the number the count needs", () => {
    expect(plural(0, "trainee")).toBe("0 trainees");
    expect(plural(1, "trainee")).toBe("1 trainee");
    expect(plural(2, "trainee")).toBe("2 trainees");
    expect(plural(1, "opportunity", "opportunities")).toBe("1 opportunity");
    expect(plural(1204, "opportunity", "opportunities")).toBe("1,204 opportunities");
    expect(plural(1, "seat is", "seats are")).toBe("1 seat is");
    expect(plural(2.5, "hour")).toBe("2.5 hours");
    expect(pluralWord(1, "was", "were")).toBe("was");
    expect(pluralWord(3, "was", "were")).toBe("were");
  });
});
