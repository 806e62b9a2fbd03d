import { openDatabase } from "../../db/client";
import { openBenchDatabase } from "./postgres";
import { seedBenchData } from "./seed";
const bench = await openBenchDatabase();
try {
  const d = await openDatabase({ url: bench.url, poolSize: 4 });
  await d.migrate();
  const t0 = performance.now();
  const s = await seedBenchData(d.db, "2026-03-01");
  console.log(s.timings.map(([a, b]) => `${a} ${(b / 1000).toFixed(1)}`).join("; "), ((performance.now() - t0) / 1000).toFixed(1));
  await d.close();
} finally { await bench.dispose(); }
