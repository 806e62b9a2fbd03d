// What a benchmark started is stopped in reverse order, on success, failure or Ctrl-C: the
// app server, the database handle, the throwaway PostgreSQL.
export const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;

export function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error("Clean-up step failed:", error);
      }
    }
  })();
  return cleaning;
}

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  process.on(signal, () => {
    console.error(`\n${signal}: stopping the server and the database`);
    void cleanUp().finally(() => process.exit(code));
  });
}

/** Milliseconds to one decimal, "-" when not measured. */
export const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");
