import { notFound } from "~/utils/http.server";

// Any address that matches no page: the root error boundary shows "Page not found" with a 404.
export async function loader() {
  throw notFound();
}

export async function action() {
  throw notFound();
}

export default function NotFound() {
  return null;
}
