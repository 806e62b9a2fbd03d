import { NotificationBanner } from "~/components/nhsuk/notification-banner";
import type { ReactNode } from "react";

export function SuccessBanner({ children, title = "Success" }: { children: ReactNode; title?: string }) {
  return (
    <NotificationBanner success>
      <NotificationBanner.Title>{title}</NotificationBanner.Title>
      <NotificationBanner.Heading>{children}</NotificationBanner.Heading>
    </NotificationBanner>
  );
}
