// The grade a trainee is held to when applying: one SQL expression, used by applying, the
// opportunity page's verdict, the search's "open to my grade" and the staff views, so none
// of them can disagree with another.
import { sql, type Placeholder } from "drizzle-orm";

import type { Grade } from "./domain";

/**
 * The rotation data decides whenever there is any, so a trainee cannot move up a grade by
 * editing their own profile. Of the trainee's placements from the training-information
 * system (source 'import'):
 *   1. the one current today (of two that overlap, the one that started later);
 *   2. else the one that started most recently (between posts, the grade last held: a post
 *      already started is surer than one planned);
 *   3. else the next one to start (a trainee whose first post has not begun).
 * One ordering does all three: started before not started, then not ended before ended,
 * then nearest start to today. The grade typed on the profile counts only when the
 * training-information system has no placement for the trainee at all, and staff see it
 * marked as self-declared.
 *
 * Correlated with "trainee_profiles": the query must have trainee_profiles under its own name.
 */
export function eligibilityGrade(today: string | Placeholder) {
  const imported = sql`(select imported.grade from placements imported
    where imported.trainee_id = "trainee_profiles"."user_id" and imported.source = 'import'
    order by imported.starts_on > ${today}::date, imported.ends_on < ${today}::date, abs(imported.starts_on - ${today}::date)
    limit 1)`;
  return {
    grade: sql<Grade | null>`coalesce(${imported}, "trainee_profiles"."grade")`,
    /** True when the grade is the trainee's own word (no imported placement); false without a profile. */
    gradeSelfDeclared: sql<boolean>`("trainee_profiles"."user_id" is not null and ${imported} is null)`,
  };
}
