import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

import { safeRedirect } from "~/utils/redirect";

// A common guess at the sign-in address: send it to the real page, keeping where to go next.
export async function loader({ request }: LoaderFunctionArgs) {
  const next = safeRedirect(new URL(request.url).searchParams.get("redirectTo"), null);
  return redirect(next ? `/sign-in?redirectTo=${encodeURIComponent(next)}` : "/sign-in", 301);
}
