// The NHS.UK footer, written out: it is on every page and needs none of the library's machinery.
export function SiteFooter() {
  return (
    <footer className="nhsuk-footer" role="contentinfo">
      <div className="nhsuk-width-container">
        <div className="nhsuk-footer__meta">
          <h2 className="nhsuk-u-visually-hidden">Support links</h2>
          <ul className="nhsuk-footer__list">
            <li className="nhsuk-footer__list-item">
              <a className="nhsuk-footer__list-item-link" href="/">
                About Invitational
              </a>
            </li>
            <li className="nhsuk-footer__list-item">
              <a className="nhsuk-footer__list-item-link" href="/accessibility">
                Accessibility statement
              </a>
            </li>
            <li className="nhsuk-footer__list-item">
              <a className="nhsuk-footer__list-item-link" href="/privacy">
                Privacy
              </a>
            </li>
          </ul>
          <p className="nhsuk-body-s">© NHS England</p>
        </div>
      </div>
    </footer>
  );
}
