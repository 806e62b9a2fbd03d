// Every timed job of the service, run by the one scheduler (app/scheduler.server.ts) that
// server.ts starts. A new kind of timed work (rounds closing, reminders) is one more entry.
import { dailyCleanUp } from "./models/clean-up.server";
import { refreshReportsJob } from "./models/measures.server";
import { remindersJob } from "./models/reminders.server";
import { closeRoundsJob } from "./models/round-close.server";
import type { ScheduledJob } from "./scheduler.server";

export const SCHEDULED_JOBS: readonly ScheduledJob[] = [dailyCleanUp, closeRoundsJob, refreshReportsJob, remindersJob];
