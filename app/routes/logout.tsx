import { redirect } from "@remix-run/node";

// A common guess at the sign-out address. A link (GET) must never end a session, or any page
// could sign a person out with an image tag: it goes to the page with the "Sign out" button.
export async function loader() {
  return redirect("/sign-out", 301);
}
