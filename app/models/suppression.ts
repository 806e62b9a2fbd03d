// Small-number suppression for the equity tables of the measures of progress. Pure: a table
// of counts in, the cells to show out. NHS Digital's disclosure control shows values built on
// 1–7 people as hidden; here a count of 1–7 trainees reads "fewer than 8" (primary
// suppression), and other cells are hidden as well wherever a hidden count could otherwise be
// worked out by subtracting shown cells from a shown total (secondary suppression).
//
// The table is additive: every row's cells add up to its row total, every column's to its
// column total, and the totals to the grand total. Each of those sums is a "line": a list of
// cells and the total they add up to. A line gives a hidden entry away when it is the only
// hidden entry in the line, so a second one is hidden; and when the total is shown, the
// hidden cells' sum is known, so it must be 8 or more (two cells of 1 in a row with a shown
// total would otherwise be known to be 1 each). Zeros are shown, except inside a group of 1–7.

export const SMALL_NUMBER_LIMIT = 8;
export const FEWER_THAN = `fewer than ${SMALL_NUMBER_LIMIT}`;
/** A cell hidden only so that a small number beside it cannot be worked out. */
export const NOT_SHOWN = "not shown";

export interface CountTable {
  rows: readonly string[];
  columns: readonly string[];
  /** cells[row][column]: whole numbers of 0 or more. */
  cells: readonly (readonly number[])[];
}

export interface DisplayCell {
  text: string;
  suppressed: boolean;
  /** The number shown, or null when it is hidden (so nothing downstream can print it by mistake). */
  value: number | null;
}

export interface SuppressedTable {
  rows: string[];
  columns: string[];
  cells: DisplayCell[][];
  rowTotals: DisplayCell[];
  columnTotals: DisplayCell[];
  grandTotal: DisplayCell;
}

const isSmall = (n: number) => n >= 1 && n < SMALL_NUMBER_LIMIT;

/** Which entries of the full grid (cells, with the row totals as the last column and the column totals as the last row) are hidden. */
export interface SuppressionOptions {
  /**
   * The row totals and the grand total are published elsewhere (the same in every table of a
   * report: trainees covered, not covered and placed in the scope), so hiding one here would
   * protect nothing and another table would give it back: they are never hidden to protect a
   * cell, and the cells around them are hidden instead.
   */
  publicRowTotals?: boolean;
}

export function suppressionMask(
  cells: readonly (readonly number[])[],
  columnCount = cells[0]?.length ?? 0,
  options: SuppressionOptions = {},
): { values: number[][]; hidden: boolean[][]; primary: boolean[][] } {
  const rowCount = cells.length;
  for (const row of cells) {
    if (row.length !== columnCount) throw new Error("Every row of the table needs the same number of cells");
    for (const n of row) if (!Number.isInteger(n) || n < 0) throw new Error("Counts must be whole numbers of 0 or more");
  }
  // The grid with totals: values[r][columnCount] is row r's total, values[rowCount][c] column c's.
  const values: number[][] = cells.map((row) => [...row, row.reduce((a, b) => a + b, 0)]);
  const totalsRow: number[] = [];
  for (let c = 0; c <= columnCount; c++) totalsRow.push(values.reduce((a, row) => a + row[c]!, 0));
  values.push(totalsRow);

  const primary = values.map((row) => row.map(isSmall));
  const hidden = primary.map((row) => [...row]);

  // Each line: the positions of its cells, then the position of its total (last).
  type Pos = [number, number];
  const lines: Pos[][] = [];
  for (let r = 0; r <= rowCount; r++) lines.push(Array.from({ length: columnCount + 1 }, (_, c): Pos => [r, c]));
  for (let c = 0; c <= columnCount; c++) lines.push(Array.from({ length: rowCount + 1 }, (_, r): Pos => [r, c]));

  const value = ([r, c]: Pos) => values[r]![c]!;
  const isHidden = ([r, c]: Pos) => hidden[r]![c]!;
  const isPublic = ([, c]: Pos) => options.publicRowTotals === true && c === columnCount;

  /** The line gives a hidden entry away: it is the only one hidden, or the hidden cells' known sum is under 8. */
  function givesAway(line: Pos[]): boolean {
    const total = line[line.length - 1]!;
    const hiddenEntries = line.filter(isHidden);
    if (hiddenEntries.length === 0) return false;
    if (hiddenEntries.length === 1) return true;
    if (isHidden(total)) return false;
    const hiddenSum = line.slice(0, -1).filter(isHidden).reduce((a, p) => a + value(p), 0);
    return hiddenSum < SMALL_NUMBER_LIMIT;
  }

  /** The next entry to hide in a line: its smallest shown cell above 0, else its total. */
  function complement(line: Pos[]): Pos | null {
    const shown = line.slice(0, -1).filter((p) => !isHidden(p) && !isPublic(p) && value(p) > 0);
    if (shown.length) return shown.reduce((best, p) => (value(p) < value(best) ? p : best));
    const total = line[line.length - 1]!;
    return !isHidden(total) && !isPublic(total) && value(total) > 0 ? total : null;
  }

  const hide = ([r, c]: Pos) => {
    hidden[r]![c] = true;
  };
  // A group of 1-7 trainees shows nothing of how it splits: even a 0 beside it would say
  // something about each of them ("all 3 were covered"). So every cell of a row or column
  // whose total is 1-7 goes, zeros too.
  for (let r = 0; r < rowCount; r++) if (primary[r]![columnCount]) for (let c = 0; c < columnCount; c++) hide([r, c]);
  for (let c = 0; c < columnCount; c++) if (primary[rowCount]![c]) for (let r = 0; r < rowCount; r++) hide([r, c]);

  // Repeat until nothing gives anything away. Every round hides at least one more entry or
  // ends, so this ends within (rows + 1) × (columns + 1) rounds; once every entry above 0 is
  // hidden nothing can be worked out (the sums hold for twice the values as well).
  for (;;) {
    for (let changed = true; changed; ) {
      changed = false;
      for (const line of lines) {
        while (givesAway(line)) {
          const next = complement(line);
          if (!next) break;
          hide(next);
          changed = true;
        }
      }
    }
    // No line gives an entry away alone, but several sums together still can (four hidden
    // cells in two rows and two columns, with one of them also alone in a third sum): solve
    // them all together and hide one more entry beside any entry they pin down.
    const pinned = pinnedEntry(values, hidden.map((row, r) => row.map((h, c) => h && !isPublic([r, c]))), lines);
    if (!pinned) break;
    const own = lines.filter((line) => line.some(([r, c]) => r === pinned[0] && c === pinned[1]));
    const candidates = own.map(complement).filter((p): p is Pos => p !== null);
    const shownAnywhere = values.flatMap((row, r) => row.map((_, c): Pos => [r, c])).filter((p) => !isHidden(p) && !isPublic(p));
    // Last of all a shown 0: hiding it stops a published total pinning the rest.
    const anywhere = shownAnywhere.some((p) => value(p) > 0) ? shownAnywhere.filter((p) => value(p) > 0) : shownAnywhere;
    const pool = candidates.length ? candidates : anywhere;
    if (!pool.length) break;
    hide(pool.reduce((best, p) => (value(p) < value(best) ? p : best)));
  }
  return { values, hidden, primary };
}

/**
 * A hidden entry whose value follows from all the table's sums together, or null. Each line
 * is an equation over the hidden entries (shown ones are constants); after row reduction an
 * entry is fixed exactly when a reduced equation mentions it alone.
 */
function pinnedEntry(values: number[][], hidden: boolean[][], lines: [number, number][][]): [number, number] | null {
  const unknowns: [number, number][] = [];
  hidden.forEach((row, r) => row.forEach((h, c) => h && unknowns.push([r, c])));
  if (!unknowns.length) return null;
  const index = new Map(unknowns.map(([r, c], i) => [r * 10_000 + c, i]));
  const equations: number[][] = [];
  for (const line of lines) {
    const equation = new Array<number>(unknowns.length).fill(0);
    line.forEach(([r, c], k) => {
      const i = index.get(r * 10_000 + c);
      if (i !== undefined) equation[i]! += k === line.length - 1 ? -1 : 1;
    });
    if (equation.some((x) => x !== 0)) equations.push(equation);
  }
  const EPSILON = 1e-9;
  let rank = 0;
  for (let column = 0; column < unknowns.length && rank < equations.length; column++) {
    let pivot = -1;
    for (let i = rank; i < equations.length; i++) if (Math.abs(equations[i]![column]!) > EPSILON) { pivot = i; break; }
    if (pivot < 0) continue;
    [equations[rank], equations[pivot]] = [equations[pivot]!, equations[rank]!];
    const lead = equations[rank]![column]!;
    const reduced = equations[rank]!.map((x) => x / lead);
    equations[rank] = reduced;
    for (let i = 0; i < equations.length; i++) {
      const factor = equations[i]![column]!;
      if (i !== rank && Math.abs(factor) > EPSILON) equations[i] = equations[i]!.map((x, j) => x - factor * reduced[j]!);
    }
    rank++;
  }
  // A hidden 0 that can be worked out says nothing about anyone; a count above 0 does.
  for (const equation of equations) {
    const mentioned = equation.flatMap((x, i) => (Math.abs(x) > EPSILON ? [i] : []));
    const entry = mentioned.length === 1 ? unknowns[mentioned[0]!]! : null;
    if (entry && values[entry[0]]![entry[1]]! > 0) return entry;
  }
  return null;
}

function cellOf(value: number, hidden: boolean, primary: boolean): DisplayCell {
  if (!hidden) return { text: value.toLocaleString("en-GB"), suppressed: false, value };
  return { text: primary ? FEWER_THAN : NOT_SHOWN, suppressed: true, value: null };
}

/** The table as it may be shown: every count of 1–7 and every count that would give one away hidden. */
export function suppressTable(table: CountTable, options: SuppressionOptions = {}): SuppressedTable {
  if (table.cells.length !== table.rows.length) throw new Error("The table needs one row of cells for each row label");
  for (const row of table.cells) if (row.length !== table.columns.length) throw new Error("Every row needs one cell for each column label");
  const { values, hidden, primary } = suppressionMask(table.cells, table.columns.length, options);
  const rowCount = table.rows.length;
  const columnCount = table.columns.length;
  const at = (r: number, c: number) => cellOf(values[r]![c]!, hidden[r]![c]!, primary[r]![c]!);
  return {
    rows: [...table.rows],
    columns: [...table.columns],
    cells: table.rows.map((_, r) => table.columns.map((_, c) => at(r, c))),
    rowTotals: table.rows.map((_, r) => at(r, columnCount)),
    columnTotals: table.columns.map((_, c) => at(rowCount, c)),
    grandTotal: at(rowCount, columnCount),
  };
}

/**
 * A percentage of two cells already suppressed: shown only when both are shown and the
 * denominator is 8 or more (a percentage beside a shown count would give a hidden one away).
 */
export function percentCell(numerator: DisplayCell, denominator: DisplayCell): DisplayCell {
  if (numerator.value === null || denominator.value === null) return { text: NOT_SHOWN, suppressed: true, value: null };
  if (denominator.value < SMALL_NUMBER_LIMIT) {
    return { text: denominator.value === 0 ? "no trainees" : NOT_SHOWN, suppressed: denominator.value > 0, value: null };
  }
  const percent = Math.round((numerator.value / denominator.value) * 100);
  return { text: `${percent}%`, suppressed: false, value: percent };
}
