// Small-number suppression: no count of 1–7 trainees is shown, and none can be worked out
// from what is shown — checked on hand-made tables and on thousands of random ones, against
// an attacker who subtracts shown cells from shown totals, line after line, for as long as
// anything new comes out (and against one who solves the whole system of sums).
import { describe, expect, it } from "vitest";

import { FEWER_THAN, NOT_SHOWN, percentCell, suppressionMask, suppressTable, type DisplayCell } from "~/models/suppression";

const texts = (cells: DisplayCell[]) => cells.map((c) => c.text);

describe("primary suppression", () => {
  it("shows counts of 8 and over and 0, and every count of 1 to 7 as 'fewer than 8'", () => {
    const t = suppressTable({ rows: ["Covered", "Not covered"], columns: ["A", "B", "C"], cells: [[0, 20, 30], [8, 40, 50]] });
    expect(texts(t.cells[0]!)).toEqual(["0", "20", "30"]);
    expect(texts(t.cells[1]!)).toEqual(["8", "40", "50"]);
    expect(texts(t.rowTotals)).toEqual(["50", "98"]);
    expect(texts(t.columnTotals)).toEqual(["8", "60", "80"]);
    expect(t.grandTotal).toEqual({ text: "148", suppressed: false, value: 148 });
    for (let n = 1; n <= 7; n++) {
      const one = suppressTable({ rows: ["Covered"], columns: ["A"], cells: [[n]] });
      expect(one.cells[0]![0]).toEqual({ text: FEWER_THAN, suppressed: true, value: null });
      expect(one.rowTotals[0]!.suppressed).toBe(true);
      expect(one.grandTotal.suppressed).toBe(true);
    }
  });

  it("writes thousands with a comma", () => {
    expect(suppressTable({ rows: ["r"], columns: ["c"], cells: [[60000]] }).grandTotal.text).toBe("60,000");
  });

  it("hides a total of 1 to 7, and every cell of its group, even a 0 (it would say 'all 3 were not covered')", () => {
    const t = suppressTable({ rows: ["Covered", "Not covered"], columns: ["A", "B"], cells: [[0, 30], [3, 40]] });
    expect(t.columnTotals[0]!.text).toBe(FEWER_THAN);
    expect(t.cells[0]![0]!.text).toBe(NOT_SHOWN);
    expect(t.cells[1]![0]!.text).toBe(FEWER_THAN);
  });
});

describe("secondary suppression", () => {
  it("hides the next smallest cell of a row with one small count, and whatever else then gives it away", () => {
    // Row 0: the 3 alone would be 53 - 20 - 30; the 20 (smallest shown) goes too. Column 1 then
    // has the 20 alone hidden, so its next smallest cell (the 40) goes, and so on until stable.
    const t = suppressTable({ rows: ["Covered", "Not covered"], columns: ["A", "B", "C"], cells: [[3, 20, 30], [9, 40, 50]] });
    expect(texts(t.cells[0]!)).toEqual([FEWER_THAN, NOT_SHOWN, "30"]);
    expect(texts(t.cells[1]!)).toEqual([NOT_SHOWN, NOT_SHOWN, "50"]);
    expect(texts(t.rowTotals)).toEqual(["53", "99"]);
    expect(texts(t.columnTotals)).toEqual(["12", "60", "80"]);
  });

  it("hides a total when only it could give the small cell away (the other cells are 0)", () => {
    const t = suppressTable({ rows: ["Covered", "Not covered"], columns: ["A", "B"], cells: [[5, 0], [20, 30]] });
    // Row 0: 5 and 0, total 5: the total is small itself. Column 0: 5 + 20 = 25, so the 20 goes;
    // then row 1: 20 hidden alone, so the 30 goes; column 1: 30 alone hidden, 0 cannot help, so its total goes.
    expect(t.cells[0]![0]!.text).toBe(FEWER_THAN);
    expect(t.rowTotals[0]!.text).toBe(FEWER_THAN);
    expect(t.cells[0]![1]!.text).toBe(NOT_SHOWN);
    for (const line of attackerLines(t)) expect(derivable(line)).toBe(false);
  });

  it("two small cells in a row whose shown total would say they are 1 each: a third is hidden", () => {
    const t = suppressTable({ rows: ["Approvals"], columns: ["A", "B", "C"], cells: [[1, 1, 40]] });
    expect(texts(t.cells[0]!)).toEqual([FEWER_THAN, FEWER_THAN, NOT_SHOWN]);
    expect(t.rowTotals[0]!.text).toBe("42");
  });

  it("a table with nothing small is shown whole", () => {
    const t = suppressTable({ rows: ["a", "b"], columns: ["x", "y"], cells: [[8, 9], [10, 0]] });
    expect([...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.grandTotal].some((c) => c.suppressed)).toBe(false);
  });

  it("an empty table (no rows) has a grand total of 0", () => {
    const t = suppressTable({ rows: [], columns: ["x"], cells: [] });
    expect(t.grandTotal.text).toBe("0");
  });

  it("refuses a ragged table or a count that is not a whole number", () => {
    expect(() => suppressTable({ rows: ["a"], columns: ["x", "y"], cells: [[1]] })).toThrow();
    expect(() => suppressTable({ rows: ["a"], columns: ["x"], cells: [[1.5]] })).toThrow();
    expect(() => suppressTable({ rows: ["a"], columns: ["x"], cells: [[-1]] })).toThrow();
  });
});

describe("percentages", () => {
  const shown = (n: number): DisplayCell => ({ text: String(n), suppressed: false, value: n });
  const hidden: DisplayCell = { text: FEWER_THAN, suppressed: true, value: null };
  it("is shown, rounded, over a denominator of 8 or more", () => {
    expect(percentCell(shown(5 * 0 + 10), shown(16))).toEqual({ text: "63%", suppressed: false, value: 63 });
    expect(percentCell(shown(0), shown(8)).text).toBe("0%");
  });
  it("is not shown when the numerator or the denominator is hidden, or over no trainees", () => {
    expect(percentCell(hidden, shown(40)).suppressed).toBe(true);
    expect(percentCell(shown(40), hidden).suppressed).toBe(true);
    expect(percentCell(shown(0), shown(0))).toEqual({ text: "no trainees", suppressed: false, value: null });
  });
});

// ---- the attacker ----

type Entry = { value: number; hidden: boolean };
/** Every sum the table states: a line of cells and the total they add up to (last). */
function attackerLines(t: ReturnType<typeof suppressTable>): Entry[][] {
  const grid: DisplayCell[][] = [...t.cells.map((row, r) => [...row, t.rowTotals[r]!]), [...t.columnTotals, t.grandTotal]];
  return linesOf(grid.map((row) => row.map((c) => ({ value: c.value ?? Number.NaN, hidden: c.suppressed }))));
}
function linesOf(grid: Entry[][]): Entry[][] {
  const lines: Entry[][] = [];
  for (const row of grid) lines.push(row);
  for (let c = 0; c < (grid[0]?.length ?? 0); c++) lines.push(grid.map((row) => row[c]!));
  return lines;
}
const derivable = (line: Entry[]) => line.filter((e) => e.hidden).length === 1;

/** Subtract shown cells from shown totals, again and again with whatever comes out: the hidden entries that fall. */
function subtractionAttack(values: number[][], hidden: boolean[][]): number {
  const known = hidden.map((row) => row.map((h) => !h));
  const R = values.length;
  const C = values[0]!.length;
  let found = 0;
  for (let changed = true; changed; ) {
    changed = false;
    const lines: [number, number][][] = [];
    for (let r = 0; r < R; r++) lines.push(Array.from({ length: C }, (_, c): [number, number] => [r, c]));
    for (let c = 0; c < C; c++) lines.push(Array.from({ length: R }, (_, r): [number, number] => [r, c]));
    for (const line of lines) {
      const unknown = line.filter(([r, c]) => !known[r]![c]);
      if (unknown.length === 1) {
        const [r, c] = unknown[0]!;
        known[r]![c] = true;
        // A hidden 0 worked out says nothing about anyone (it may still lead to a count that does).
        if (values[r]![c]! > 0) found++;
        changed = true;
      }
    }
  }
  return found;
}

/**
 * Solves the whole system of sums (Gaussian elimination over the hidden entries): an entry is
 * given away when its unit vector lies in the span of the lines' equations.
 */
function linearAttack(values: number[][], hidden: boolean[][]): number {
  const R = values.length;
  const C = values[0]!.length;
  const unknowns: [number, number][] = [];
  hidden.forEach((row, r) => row.forEach((h, c) => h && unknowns.push([r, c])));
  if (!unknowns.length) return 0;
  const index = new Map(unknowns.map(([r, c], i) => [`${r},${c}`, i]));
  const equations: number[][] = [];
  const addLine = (cells: [number, number][], total: [number, number]) => {
    const eq = new Array<number>(unknowns.length).fill(0);
    for (const [r, c] of cells) {
      const i = index.get(`${r},${c}`);
      if (i !== undefined) eq[i]! += 1;
    }
    const t = index.get(`${total[0]},${total[1]}`);
    if (t !== undefined) eq[t]! -= 1;
    if (eq.some((x) => x !== 0)) equations.push(eq);
  };
  for (let r = 0; r < R; r++) addLine(Array.from({ length: C - 1 }, (_, c): [number, number] => [r, c]), [r, C - 1]);
  for (let c = 0; c < C; c++) addLine(Array.from({ length: R - 1 }, (_, r): [number, number] => [r, c]), [R - 1, c]);
  // Row-reduce; then unknown i is determined when some reduced row is the unit vector e_i.
  const m = equations.map((e) => [...e]);
  let rank = 0;
  for (let col = 0; col < unknowns.length && rank < m.length; col++) {
    const pivot = m.findIndex((row, i) => i >= rank && Math.abs(row[col]!) > 1e-9);
    if (pivot < 0) continue;
    [m[rank], m[pivot]] = [m[pivot]!, m[rank]!];
    const p = m[rank]![col]!;
    m[rank] = m[rank]!.map((x) => x / p);
    for (let i = 0; i < m.length; i++) {
      if (i === rank) continue;
      const f = m[i]![col]!;
      if (Math.abs(f) > 1e-9) m[i] = m[i]!.map((x, j) => x - f * m[rank]![j]!);
    }
    rank++;
  }
  return m.filter((row) => {
    const mentioned = row.flatMap((x, i) => (Math.abs(x) > 1e-9 ? [i] : []));
    if (mentioned.length !== 1) return false;
    const [r, c] = unknowns[mentioned[0]!]!;
    return values[r]![c]! > 0;
  }).length;
}

/** A small seeded generator (mulberry32), so a failing table can be reproduced from its seed. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("on random tables", () => {
  it("no hidden entry can be worked out by subtracting shown cells from shown totals, in any row or column, nor by solving all the sums together", () => {
    const next = random(20261201);
    let tablesWithSecondary = 0;
    for (let n = 0; n < 3000; n++) {
      const rows = 1 + Math.floor(next() * 4);
      const columns = 1 + Math.floor(next() * 7);
      // Mostly small numbers, some zeros and some large, as equity tables are.
      const cells = Array.from({ length: rows }, () =>
        Array.from({ length: columns }, () => {
          const k = next();
          return k < 0.15 ? 0 : k < 0.55 ? 1 + Math.floor(next() * 7) : 8 + Math.floor(next() * 60);
        }),
      );
      const { values, hidden, primary } = suppressionMask(cells);
      const seed = JSON.stringify(cells);
      values.forEach((row, r) => row.forEach((v, c) => { if (v >= 1 && v <= 7) expect(hidden[r]![c], `${seed}: ${v} shown`).toBe(true); }));
      expect(subtractionAttack(values, hidden), seed).toBe(0);
      expect(linearAttack(values, hidden), seed).toBe(0);
      // Where a total is shown, the hidden cells it covers add up to 8 or more.
      for (const line of linesOf(values.map((row, r) => row.map((value, c) => ({ value, hidden: hidden[r]![c]! }))))) {
        const total = line[line.length - 1]!;
        const hiddenCells = line.slice(0, -1).filter((e) => e.hidden);
        // (A known sum of 0 says only that nobody is there.)
        const hiddenSum = hiddenCells.reduce((a, e) => a + e.value, 0);
        if (!total.hidden && hiddenSum > 0) expect(hiddenSum, seed).toBeGreaterThanOrEqual(8);
      }
      if (hidden.some((row, r) => row.some((h, c) => h && !primary[r]![c]))) tablesWithSecondary++;
    }
    // The generator does exercise secondary suppression.
    expect(tablesWithSecondary).toBeGreaterThan(500);
  });

  it("with the row totals published elsewhere (never hidden to protect a cell), nothing hidden can be worked out either", () => {
    const next = random(424242);
    for (let n = 0; n < 2000; n++) {
      const rows = 1 + Math.floor(next() * 3);
      const columns = 2 + Math.floor(next() * 6);
      const cells = Array.from({ length: rows }, () =>
        Array.from({ length: columns }, () => {
          const k = next();
          return k < 0.15 ? 0 : k < 0.5 ? 1 + Math.floor(next() * 7) : 8 + Math.floor(next() * 60);
        }),
      );
      const { values, hidden, primary } = suppressionMask(cells, columns, { publicRowTotals: true });
      const seed = JSON.stringify(cells);
      // The published totals are shown unless they are small themselves.
      values.forEach((row, r) => expect(hidden[r]![columns], `${seed} row ${r} total`).toBe(primary[r]![columns]));
      // The attacker has the published totals from elsewhere, small or not: what they give
      // away is theirs to protect; no cell or column total here may fall.
      const known = hidden.map((row) => row.map((h, c) => h && c !== columns));
      expect(subtractionAttack(values, known), seed).toBe(0);
      expect(linearAttack(values, known), seed).toBe(0);
    }
  });

  it("the text shown never holds a hidden count", () => {
    const next = random(7);
    for (let n = 0; n < 300; n++) {
      const cells = [Array.from({ length: 5 }, () => Math.floor(next() * 12)), Array.from({ length: 5 }, () => Math.floor(next() * 12))];
      const t = suppressTable({ rows: ["Covered", "Not covered"], columns: ["a", "b", "c", "d", "e"], cells });
      for (const cell of [...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.grandTotal]) {
        if (cell.suppressed) {
          expect([FEWER_THAN, NOT_SHOWN]).toContain(cell.text);
          expect(cell.value).toBeNull();
        } else expect(cell.text).toBe((cell.value ?? 0).toLocaleString("en-GB"));
      }
    }
  });
});
