import { Link } from "@remix-run/react";

/**
 * NHS.UK previous/next pagination for a list split into pages. A page with two paged lists
 * names each (`label`), so a screen reader's list of landmarks tells them apart.
 */
export function Pager({ page, lastPage, href, label = "Pagination" }: { page: number; lastPage: number; href: (page: number) => string; label?: string }) {
  if (lastPage <= 1) return null;
  return (
    <nav className="nhsuk-pagination" role="navigation" aria-label={label}>
      <ul className="nhsuk-list nhsuk-pagination__list">
        {page > 1 ? (
          <li className="nhsuk-pagination-item--previous">
            <Link className="nhsuk-pagination__link nhsuk-pagination__link--prev" to={href(page - 1)}>
              <span className="nhsuk-pagination__title">Previous</span>
              <span className="nhsuk-u-visually-hidden">:</span>
              <span className="nhsuk-pagination__page">
                Page {page - 1} of {lastPage}
              </span>
            </Link>
          </li>
        ) : null}
        {page < lastPage ? (
          <li className="nhsuk-pagination-item--next">
            <Link className="nhsuk-pagination__link nhsuk-pagination__link--next" to={href(page + 1)}>
              <span className="nhsuk-pagination__title">Next</span>
              <span className="nhsuk-u-visually-hidden">:</span>
              <span className="nhsuk-pagination__page">
                Page {page + 1} of {lastPage}
              </span>
            </Link>
          </li>
        ) : null}
      </ul>
    </nav>
  );
}
