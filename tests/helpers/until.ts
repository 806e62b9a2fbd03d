// Waiting on a condition rather than for a fixed time: polls until the check gives a value. There
// is no deadline of its own; a condition that never comes is caught by the test's timeout, which
// names what was awaited through the last value seen.
export async function until<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, everyMs = 50): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== null && value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
