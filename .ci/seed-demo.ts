// CI's backup check: fills DATABASE_URL (migrated) with the demo data, so scripts/backup.sh and
// scripts/restore-check.sh are tried on rows in every table the demo touches, not on an empty schema.
import { databaseOptionsFromEnv, openDatabase } from "../db/client";
import { seedDemoData } from "../db/seed/demo";

const database = await openDatabase(databaseOptionsFromEnv());
try {
  if (!(await seedDemoData(database.db))) throw new Error("the database was not empty: demo data not added");
  console.log("Demo data added.");
} finally {
  await database.close();
}
