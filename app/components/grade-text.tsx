/**
 * A trainee's grade as staff see it. A grade the trainee typed themselves (no placement from
 * the training-information system says otherwise) is marked as self-declared, so staff know
 * to check it before offering or approving a place that depends on it.
 */
export function GradeText({ grade, selfDeclared, capital = false }: { grade: string | null; selfDeclared: boolean; capital?: boolean }) {
  if (!grade) return <>{capital ? "Grade not recorded" : "grade not recorded"}</>;
  return (
    <>
      {grade}
      {selfDeclared ? <> <span className="app-nowrap">(self-declared)</span></> : null}
    </>
  );
}
