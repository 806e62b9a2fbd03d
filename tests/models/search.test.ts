import { describe, expect, it } from "vitest";

import { applications } from "@db/schema";
import { createObjective } from "~/models/objectives.server";
import { parseSearchParams } from "~/models/search.schema";
import { PAGE_SIZE, rotationSections, searchOpportunities } from "~/models/search.server";

import { useTestDatabase } from "../helpers/db";
import { makeOpportunity, makePlacement, makeTrainee, makeTrust } from "../helpers/factories";

const t = useTestDatabase();
const today = "2026-11-25";

function search(query: string, viewerGrade: "FY2" | "ST4" | null = null) {
  return searchOpportunities(t.db, parseSearchParams(new URLSearchParams(query)), { today, viewerGrade });
}
const titles = (r: Awaited<ReturnType<typeof search>>) => r.results.map((x) => x.title);

describe("full-text search", () => {
  it("finds a word from the description, objective or sponsor's role, ranking title matches first", async () => {
    const trust = await makeTrust(t.db);
    const objectiveId = await createObjective(t.db, trust.id, { title: "Reduce hospital-acquired pressure ulcers", description: "" });
    await makeOpportunity(t.db, trust.id, { title: "Ward round improvement", description: "We will study pressure area care on the wards." });
    await makeOpportunity(t.db, trust.id, { title: "Pressure ulcer prevention project", description: "A project." });
    await makeOpportunity(t.db, trust.id, { title: "Skin bundle audit", type: "qi_project", objectiveId, description: "An audit." });
    await makeOpportunity(t.db, trust.id, { title: "Unrelated", sponsorRole: "Director of Estates", description: "Buildings." });
    const result = await search("q=pressure");
    expect(result.total).toBe(3);
    expect(titles(result)[0]).toBe("Pressure ulcer prevention project");
    expect(titles(await search("q=estates"))).toEqual(["Unrelated"]);
    expect(titles(await search("q=ulcers"))).toEqual(expect.arrayContaining(["Pressure ulcer prevention project", "Skin bundle audit"]));
  });

  it.each(["' OR 1=1 --", "!!", "a & | b", "\"unclosed", "():*<->", "%_\\"])("answers %j with results or none, never an error", async (q) => {
    const trust = await makeTrust(t.db);
    await makeOpportunity(t.db, trust.id);
    const result = await search(new URLSearchParams({ q }).toString());
    expect(result.total).toBeGreaterThanOrEqual(0);
    expect(result.total).toBeLessThanOrEqual(1);
  });
});

describe("filters", () => {
  it("filters by type, region, system, trust, tier, focus and dimension", async () => {
    const midlands = await makeTrust(t.db, { region: "Midlands", integratedCareSystem: "Birmingham and Solihull" });
    const london = await makeTrust(t.db, { region: "London", integratedCareSystem: "North Central London" });
    await makeOpportunity(t.db, midlands.id, { title: "M shadowing" });
    await makeOpportunity(t.db, london.id, { title: "L safety", type: "patient_safety", tier: "2", focus: "system", hlmDimensions: ["holding_to_account"] });
    expect(titles(await search("type=patient_safety"))).toEqual(["L safety"]);
    expect(titles(await search("region=Midlands"))).toEqual(["M shadowing"]);
    expect(titles(await search(`ics=${encodeURIComponent("North Central London")}`))).toEqual(["L safety"]);
    expect(titles(await search(`trust=${midlands.odsCode}`))).toEqual(["M shadowing"]);
    expect(titles(await search("tier=2"))).toEqual(["L safety"]);
    expect(titles(await search("focus=organisation"))).toEqual(["M shadowing"]);
    expect(titles(await search("hlm=holding_to_account"))).toEqual(["L safety"]);
  });

  it("filters by the viewer's grade, LTFT, hours a week, start dates and seats left", async () => {
    const trust = await makeTrust(t.db);
    await makeOpportunity(t.db, trust.id, { title: "Foundation", eligibleGrades: ["FY1", "FY2"], ltftFriendly: "", hoursPerWeek: "3" });
    const full = await makeOpportunity(t.db, trust.id, { title: "Higher", eligibleGrades: ["ST4"], ltftFriendly: "yes", hoursPerWeek: "8", seats: "1", startsOn: "2027-03-10", sessionDate: ["2027-03-12"] });
    const trainee = await makeTrainee(t.db);
    await t.db.insert(applications).values({ opportunityId: full, traineeId: trainee.id, statement: "x", status: "approved" });
    expect(titles(await search("eligible=mine", "FY2"))).toEqual(["Foundation"]);
    expect(titles(await search("eligible=mine", "ST4"))).toEqual(["Higher"]);
    expect((await search("eligible=mine", null)).total).toBe(2);
    expect(titles(await search("ltft=yes"))).toEqual(["Higher"]);
    expect(titles(await search("maxHours=4"))).toEqual(["Foundation"]);
    expect(titles(await search("startFrom=2027-03-05"))).toEqual(["Higher"]);
    expect(titles(await search("startTo=2027-03-05"))).toEqual(["Foundation"]);
    expect(titles(await search("seatsLeft=yes"))).toEqual(["Foundation"]);
    const [higher] = (await search("trust=" + trust.odsCode + "&sort=deadline")).results.filter((r) => r.title === "Higher");
    expect(higher!.seatsLeft).toBe(0);
  });

  it("pages 20 at a time and sorts by deadline or newest", async () => {
    const trust = await makeTrust(t.db);
    for (let i = 0; i < 23; i++) {
      const day = String(1 + (i % 28)).padStart(2, "0");
      await makeOpportunity(t.db, trust.id, { title: `Opportunity ${i}`, applicationDeadline: `2027-02-${day}` });
    }
    const first = await search("sort=deadline");
    expect(first.total).toBe(23);
    expect(first.results).toHaveLength(PAGE_SIZE);
    const deadlines = first.results.map((r) => r.applicationDeadline);
    expect([...deadlines].sort()).toEqual(deadlines);
    const second = await search("sort=deadline&page=2");
    expect(second.results).toHaveLength(3);
    expect(new Set([...first.results, ...second.results].map((r) => r.id)).size).toBe(23);
    expect((await search("sort=newest")).results[0]!.title).toBe("Opportunity 22");
  });

  it("counts every match of a text search on each page, and past the last page", async () => {
    const trust = await makeTrust(t.db);
    for (let i = 0; i < 23; i++) await makeOpportunity(t.db, trust.id, { title: `Sepsis pathway ${i}` });
    await makeOpportunity(t.db, trust.id, { title: "Unrelated audit" });
    const first = await search("q=sepsis");
    expect(first.total).toBe(23);
    expect(first.results).toHaveLength(PAGE_SIZE);
    const second = await search("q=sepsis&page=2");
    expect(second.total).toBe(23);
    expect(second.results).toHaveLength(3);
    // No row carries the count past the end, yet the total is still right (the page redirects on it).
    const beyond = await search("q=sepsis&page=3");
    expect(beyond.results).toHaveLength(0);
    expect(beyond.total).toBe(23);
    expect((await search("q=nothingmatchesthis")).total).toBe(0);
  });
});

describe("rotation-aware sections", () => {
  it("shows opportunities overlapping the current and next placements and across the system", async () => {
    const here = await makeTrust(t.db, { integratedCareSystem: "Birmingham and Solihull" });
    const next = await makeTrust(t.db, { integratedCareSystem: "Coventry and Warwickshire" });
    const neighbour = await makeTrust(t.db, { integratedCareSystem: "Birmingham and Solihull" });
    const elsewhere = await makeTrust(t.db, { integratedCareSystem: "Somewhere Else" });
    const trainee = await makeTrainee(t.db);
    await makePlacement(t.db, { traineeId: trainee.id, trustId: here.id, grade: "FY2", startsOn: "2026-08-05", endsOn: "2027-02-02" });
    await makePlacement(t.db, { traineeId: trainee.id, trustId: next.id, grade: "FY2", startsOn: "2027-02-03", endsOn: "2027-08-03" });

    const window = { startsOn: "2027-01-10", endsOn: "2027-01-31", applicationDeadline: "2027-01-05", sessionDate: ["2027-01-12"] };
    await makeOpportunity(t.db, here.id, { title: "Here during placement", ...window });
    await makeOpportunity(t.db, here.id, { title: "Here after leaving", startsOn: "2027-03-01", endsOn: "2027-03-31" });
    await makeOpportunity(t.db, next.id, { title: "Next trust after arriving" });
    await makeOpportunity(t.db, next.id, { title: "Next trust before arriving", ...window });
    await makeOpportunity(t.db, neighbour.id, { title: "Neighbour" });
    await makeOpportunity(t.db, elsewhere.id, { title: "Far away" });

    const sections = await rotationSections(t.db, trainee.id, today);
    expect(sections.current?.opportunities.map((o) => o.title)).toEqual(["Here during placement"]);
    expect(sections.next?.opportunities.map((o) => o.title)).toEqual(["Next trust after arriving"]);
    expect(sections.system?.opportunities.map((o) => o.title)).toEqual(["Neighbour"]);
    expect(sections.next?.startsOn).toBe("2027-02-03");
  });

  it("shows the first four of each section by soonest deadline", async () => {
    const here = await makeTrust(t.db, { integratedCareSystem: "Birmingham and Solihull" });
    const next = await makeTrust(t.db, { integratedCareSystem: "Birmingham and Solihull" });
    const trainee = await makeTrainee(t.db);
    await makePlacement(t.db, { traineeId: trainee.id, trustId: here.id, grade: "FY2", startsOn: "2026-08-05", endsOn: "2027-08-03" });
    await makePlacement(t.db, { traineeId: trainee.id, trustId: next.id, grade: "FY2", startsOn: "2027-08-04", endsOn: "2028-02-01" });
    for (const day of ["20", "05", "28", "11", "14", "02"]) {
      await makeOpportunity(t.db, here.id, { title: `Here ${day}`, applicationDeadline: `2027-01-${day}` });
    }
    const sections = await rotationSections(t.db, trainee.id, today);
    expect(sections.current?.opportunities.map((o) => o.title)).toEqual(["Here 02", "Here 05", "Here 11", "Here 14"]);
    expect(sections.next?.opportunities).toEqual([]);
    // The next trust is in the same system, but it has its own section: not repeated here.
    expect(sections.system?.opportunities).toEqual([]);
  });

  it("shows the current trust and its system to a trainee with no next placement, and the next trust alone to one between placements", async () => {
    const here = await makeTrust(t.db, { integratedCareSystem: "Birmingham and Solihull" });
    const neighbour = await makeTrust(t.db, { integratedCareSystem: "Birmingham and Solihull" });
    const later = await makeTrust(t.db, { integratedCareSystem: "Coventry and Warwickshire" });
    await makeOpportunity(t.db, here.id, { title: "Here" });
    await makeOpportunity(t.db, neighbour.id, { title: "Neighbour" });
    await makeOpportunity(t.db, later.id, { title: "Later" });
    const staying = await makeTrainee(t.db);
    await makePlacement(t.db, { traineeId: staying.id, trustId: here.id, grade: "FY2", startsOn: "2026-08-05", endsOn: "2027-08-03" });
    const stays = await rotationSections(t.db, staying.id, today);
    expect([stays.current?.opportunities.map((o) => o.title), stays.next, stays.system?.opportunities.map((o) => o.title)]).toEqual([["Here"], null, ["Neighbour"]]);

    const between = await makeTrainee(t.db);
    await makePlacement(t.db, { traineeId: between.id, trustId: later.id, grade: "FY2", startsOn: "2027-02-03", endsOn: "2027-08-03" });
    const waits = await rotationSections(t.db, between.id, today);
    expect([waits.current, waits.next?.opportunities.map((o) => o.title), waits.system]).toEqual([null, ["Later"], null]);
  });

  it("has empty sections for a trainee with no placements", async () => {
    const trainee = await makeTrainee(t.db);
    expect(await rotationSections(t.db, trainee.id, today)).toEqual({ current: null, next: null, system: null });
  });
});
