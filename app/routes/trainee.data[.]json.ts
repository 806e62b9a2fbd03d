// Download my data: everything the service holds about the signed-in trainee, as a JSON file.
import type { LoaderFunctionArgs } from "@remix-run/node";

import { requireUser } from "~/auth.server";
import { getDb } from "~/db.server";
import { exportTraineeData } from "~/models/data-rights.server";
import { todayInLondon } from "~/utils/dates";
import { notFound } from "~/utils/http.server";

export async function loader(args: LoaderFunctionArgs) {
  const user = requireUser(args, { role: "trainee" });
  const data = await exportTraineeData(await getDb(), user.id);
  if (!data) throw notFound();
  return new Response(`${JSON.stringify(data, null, 2)}\n`, {
    status: 200,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="invitational-my-data-${todayInLondon()}.json"`,
      // Personal data: never kept by the browser or any cache on the way.
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
