/** Bindings and variables the Worker and its Durable Objects receive (see wrangler.toml). */
export interface Env {
  ASSETS: Fetcher;
  APP_ENV: string;
}
