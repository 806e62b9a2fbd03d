import { NotificationBanner } from "nhsuk-react-components";
import type { ReactNode } from "react";

export function SuccessBanner({ children, title = "Success" }: { children: ReactNode; title?: string }) {
  return (
    <NotificationBanner success>
      <NotificationBanner.Title>{title}</NotificationBanner.Title>
      <NotificationBanner.Heading>{children}</NotificationBanner.Heading>
    </NotificationBanner>
  );
}
