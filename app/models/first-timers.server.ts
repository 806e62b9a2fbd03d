// "Nothing yet this training year": the one definition the round's first-timers and the staff's
// list of trainees to nudge share, so a trainee the allocation favours as a first-timer is the
// trainee the DME sees listed.
import { and, between, eq, exists, inArray, type AnyColumn, type SQL } from "drizzle-orm";

import type { DbOrTx } from "@db/client";
import { applications, opportunities } from "@db/schema";

import { HOLDS_SEAT } from "./applications.rules";

/**
 * An application (the query's "applications", joined to its "opportunities") that counts as an
 * opportunity had this year: offered, approved or completed on an opportunity starting in the
 * training year.
 */
export function holdsSeatInYear([yearStart, yearEnd]: readonly [string, string]): SQL {
  return and(inArray(applications.status, [...HOLDS_SEAT]), between(opportunities.startsOn, yearStart, yearEnd))!;
}

/** True when the trainee (a column of the outer query) has had an opportunity in the training year. */
export function hadOpportunityInYear(db: DbOrTx, traineeId: AnyColumn | SQL, year: readonly [string, string]): SQL {
  return exists(
    db
      .select({ one: applications.id })
      .from(applications)
      .innerJoin(opportunities, eq(opportunities.id, applications.opportunityId))
      .where(and(eq(applications.traineeId, traineeId), holdsSeatInYear(year))),
  );
}
