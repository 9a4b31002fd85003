import type { ComponentChildren, PartialAnchorHTMLAttributes, TargetedMouseEvent } from "preact";
import { navigate } from "../router";

type LinkProps = Omit<PartialAnchorHTMLAttributes<HTMLAnchorElement>, "href" | "onClick" | "role"> & {
  href: string;
  children: ComponentChildren;
  onClick?: (event: TargetedMouseEvent<HTMLAnchorElement>) => void;
};

/** An <a> that navigates in-app on a plain left click and behaves like a normal link otherwise. */
export function Link({ href, children, onClick, ...rest }: LinkProps) {
  const handleClick = (event: TargetedMouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented) return;
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}
