// Finds, as one signed-in role on a running server, every form (with every named field, hidden
// ones and the pressed button too) and every query parameter of every page it can reach by
// following the site's own links, plus the parameters each route's code reads. The route of a
// path comes from app/routes' file names, so pages are deduplicated by route, not by address.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { parseHTML } from "linkedom";

const root = path.resolve(import.meta.dirname, "../..");
const routesDir = path.join(root, "app/routes");

export interface RouteFile {
  /** The route file's name without its extension, e.g. `trust.opportunities.$id.edit`. */
  id: string;
  regex: RegExp;
  dynamic: number;
  /** The query parameters its own code reads (`searchParams.get("x")`, `params.get("x")` of useSearchParams). */
  reads: string[];
}

/** The URL pattern of a Remix flat route file name: `[.]` is a dot, `$x` a segment, `_index` nothing, a trailing `_` leaves the layout. */
function routeRegex(id: string): { regex: RegExp; dynamic: number } {
  const parts = id.replace(/\[\.\]/g, "\u0001").split(".");
  let dynamic = 0;
  const segments: string[] = [];
  for (const raw of parts) {
    const part = raw.replace(/\u0001/g, ".");
    if (part === "_index") continue;
    const name = part.replace(/_$/, "");
    if (name === "$") {
      segments.push(".*");
      dynamic += 100;
    } else if (name.startsWith("$")) {
      segments.push("[^/]+");
      dynamic += 1;
    } else if (name.includes("$")) {
      // A file such as `calendar.$file` is a segment; a mixed one (`x$y`) does not occur.
      segments.push("[^/]+");
      dynamic += 1;
    } else if (name.startsWith("_")) {
      continue;
    } else {
      segments.push(name.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
    }
  }
  return { regex: new RegExp(`^/${segments.join("/")}/?$`), dynamic };
}

export function routeFiles(): RouteFile[] {
  return readdirSync(routesDir)
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => {
      const id = f.replace(/\.tsx?$/, "");
      const source = readFileSync(path.join(routesDir, f), "utf8");
      const reads = [...source.matchAll(/\b(?:searchParams|params)\.(?:get|getAll|has)\("([^"]+)"\)/g)].map((m) => m[1]!);
      return { id, ...routeRegex(id), reads: [...new Set(reads)] };
    })
    .sort((a, b) => a.dynamic - b.dynamic);
}

const ROUTES = routeFiles();

/** The route file that serves a path (the most specific one), or null for none. */
export function routeOf(pathname: string): string | null {
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  return ROUTES.find((r) => r.regex.test(decoded))?.id ?? null;
}

export function routeReads(id: string): string[] {
  return ROUTES.find((r) => r.id === id)?.reads ?? [];
}

export interface FormField {
  name: string;
  /** input type, or `select` / `textarea`. */
  type: string;
  /** The value the page gave it (a checkbox's or radio's first value, a select's chosen option). */
  value: string;
}

export interface FoundForm {
  key: string;
  route: string;
  /** The page the form was found on. */
  page: string;
  method: "get" | "post";
  /** Where it is sent: path and query. */
  action: string;
  multipart: boolean;
  fields: FormField[];
  /** The pressed button's name and value, when it has a name. */
  button: { name: string; value: string } | null;
  buttonText: string;
}

export interface FoundPage {
  route: string;
  /** Path and query. */
  url: string;
  status: number;
}

export interface Discovery {
  pages: FoundPage[];
  forms: FoundForm[];
  /** Per route: an address to open it at and every parameter seen in links, GET forms and its code. */
  params: Map<string, { url: string; names: Set<string> }>;
}

const STATIC = /\.(css|js|mjs|map|png|jpe?g|svg|ico|woff2?|ttf|webmanifest|txt)$/i;

export interface CrawlOptions {
  base: string;
  cookie?: string;
  starts: string[];
  /** Paths never opened (signing out ends the session the crawl runs in). */
  skip?: (url: URL) => boolean;
  /** How many addresses of one route to open. */
  perRoute?: number;
  maxPages?: number;
}

/**
 * Opens pages breadth-first from `starts` and records what they hold. Only same-origin links;
 * at most `perRoute` addresses per route (different query parameters count as another address
 * only once per set of parameter names).
 */
export async function crawl(options: CrawlOptions): Promise<Discovery> {
  const perRoute = options.perRoute ?? 2;
  const maxPages = options.maxPages ?? 150;
  const origin = new URL(options.base).origin;
  const queue: string[] = [...options.starts];
  const seen = new Set<string>();
  const opened = new Map<string, number>();
  const shapes = new Set<string>();
  const pages: FoundPage[] = [];
  const forms = new Map<string, FoundForm>();
  const params: Discovery["params"] = new Map();

  const noteParams = (url: URL, route: string) => {
    let entry = params.get(route);
    if (!entry) {
      entry = { url: url.pathname, names: new Set(routeReads(route)) };
      params.set(route, entry);
    }
    for (const name of url.searchParams.keys()) entry.names.add(name);
  };

  while (queue.length > 0 && pages.length < maxPages) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const url = new URL(next, origin);
    const route = routeOf(url.pathname);
    if (!route) continue;
    noteParams(url, route);
    const shape = `${route}?${[...new Set(url.searchParams.keys())].sort().join("&")}`;
    if (url.search && shapes.has(shape)) continue;
    if ((opened.get(route) ?? 0) >= perRoute && (!url.search || shapes.has(shape))) continue;
    shapes.add(shape);
    opened.set(route, (opened.get(route) ?? 0) + 1);

    const res = await fetch(url, { headers: options.cookie ? { Cookie: options.cookie } : {}, redirect: "manual" });
    pages.push({ route, url: url.pathname + url.search, status: res.status });
    const location = res.headers.get("location");
    if (location) {
      const to = new URL(location, url);
      if (to.origin === origin) queue.push(to.pathname + to.search);
    }
    if (!(res.headers.get("content-type") ?? "").includes("text/html")) {
      await res.arrayBuffer();
      continue;
    }
    const html = await res.text();
    const { document } = parseHTML(html);

    for (const a of document.querySelectorAll("a[href]")) {
      const href = a.getAttribute("href")!;
      if (/^(mailto:|tel:|#)/.test(href)) continue;
      let to: URL;
      try {
        to = new URL(href, url);
      } catch {
        continue;
      }
      if (to.origin !== origin || STATIC.test(to.pathname) || options.skip?.(to)) continue;
      const toRoute = routeOf(to.pathname);
      if (toRoute) noteParams(to, toRoute);
      queue.push(to.pathname + to.search);
    }

    for (const form of document.querySelectorAll("form")) {
      const method = (form.getAttribute("method") ?? "get").toLowerCase() === "post" ? "post" : "get";
      const action = new URL(form.getAttribute("action") ?? url.pathname + url.search, url);
      if (action.origin !== origin) continue;
      const actionRoute = routeOf(action.pathname);
      if (!actionRoute) continue;
      const multipart = (form.getAttribute("enctype") ?? "").toLowerCase() === "multipart/form-data";
      const fields = new Map<string, FormField>();
      for (const el of form.querySelectorAll("input, select, textarea")) {
        const name = el.getAttribute("name");
        if (!name || el.hasAttribute("disabled")) continue;
        const tag = el.tagName.toLowerCase();
        const type = tag === "input" ? (el.getAttribute("type") ?? "text").toLowerCase() : tag;
        if (type === "submit" || type === "image" || type === "button" || type === "reset") continue;
        if (fields.has(name)) {
          // A later checkbox or radio of the group: keep the ticked one's value.
          if ((type === "checkbox" || type === "radio") && el.hasAttribute("checked")) fields.get(name)!.value = el.getAttribute("value") ?? "on";
          continue;
        }
        let value = el.getAttribute("value") ?? "";
        if (type === "checkbox" || type === "radio") value = el.getAttribute("value") ?? "on";
        if (tag === "textarea") value = el.textContent ?? "";
        if (tag === "select") {
          const options = [...el.querySelectorAll("option")];
          const chosen = options.find((o) => o.hasAttribute("selected")) ?? options.find((o) => (o.getAttribute("value") ?? o.textContent) !== "") ?? options[0];
          value = chosen ? (chosen.getAttribute("value") ?? chosen.textContent ?? "") : "";
        }
        fields.set(name, { name, type, value });
      }
      const buttons = [...form.querySelectorAll("button, input[type=submit]")].filter((b) => (b.getAttribute("type") ?? "submit").toLowerCase() === "submit");
      const variants = buttons.length > 0 ? buttons : [null];
      for (const b of variants) {
        const buttonName = b?.getAttribute("name");
        const button = buttonName ? { name: buttonName, value: b!.getAttribute("value") ?? "" } : null;
        const formAction = b?.getAttribute("formaction") ? new URL(b.getAttribute("formaction")!, url) : action;
        const target = routeOf(formAction.pathname);
        if (!target) continue;
        if (method === "get") {
          noteParams(formAction, target);
          const entry = params.get(target)!;
          for (const f of fields.keys()) entry.names.add(f);
          if (button) entry.names.add(button.name);
          continue;
        }
        const fieldList = [...fields.values()];
        // The action's own query (?index, ?redirectTo=…) does not make another form.
        const key = `${method} ${target} [${fieldList
          .map((f) => f.name)
          .sort()
          .join(",")}]${button ? ` ${button.name}=${button.value}` : ""}`;
        if (forms.has(key)) continue;
        forms.set(key, {
          key,
          route: target,
          page: url.pathname + url.search,
          method,
          action: formAction.pathname + formAction.search,
          multipart,
          fields: fieldList,
          button,
          buttonText: (b?.textContent ?? b?.getAttribute("value") ?? "").trim(),
        });
      }
    }
  }
  return { pages, forms: [...forms.values()], params };
}
