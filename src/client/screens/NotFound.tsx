import { Link } from "../components/Link";

export function NotFound() {
  return (
    <section class="panel" aria-labelledby="page-title" data-testid="not-found">
      <h1 id="page-title" tabIndex={-1}>
        Out of bounds
      </h1>
      <p class="lede">There is no page here.</p>
      <Link href="/" class="button">
        Back home
      </Link>
    </section>
  );
}
