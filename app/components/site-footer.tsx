import { Footer } from "nhsuk-react-components";

export function SiteFooter() {
  return (
    <Footer>
      <Footer.Meta>
        <Footer.ListItem href="/">About Invitational</Footer.ListItem>
        <Footer.ListItem href="/accessibility">Accessibility statement</Footer.ListItem>
        <Footer.ListItem href="/privacy">Privacy</Footer.ListItem>
        <Footer.Copyright>© NHS England</Footer.Copyright>
      </Footer.Meta>
    </Footer>
  );
}
