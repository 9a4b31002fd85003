/**
 * Chooses a Durable Object locationHint from where the first player connects, so a match runs
 * near its players. Hints are honoured only on an object's first get(); it never moves after.
 */
export type LocationHint = "wnam" | "enam" | "sam" | "weur" | "eeur" | "apac" | "oc" | "afr" | "me";

const MIDDLE_EAST = new Set(["AE", "BH", "IL", "IQ", "IR", "JO", "KW", "LB", "OM", "PS", "QA", "SA", "SY", "YE"]);

export function locationHintFor(cf: { continent?: unknown; country?: unknown; longitude?: unknown } | undefined): LocationHint | undefined {
  if (!cf) return undefined;
  const continent = typeof cf.continent === "string" ? cf.continent : undefined;
  const country = typeof cf.country === "string" ? cf.country : undefined;
  const longitude = typeof cf.longitude === "string" || typeof cf.longitude === "number" ? Number(cf.longitude) : NaN;
  if (country && MIDDLE_EAST.has(country)) return "me";
  switch (continent) {
    case "NA":
      return Number.isFinite(longitude) && longitude < -100 ? "wnam" : "enam";
    case "SA":
      return "sam";
    case "EU":
      return Number.isFinite(longitude) && longitude > 20 ? "eeur" : "weur";
    case "AS":
      return "apac";
    case "OC":
      return "oc";
    case "AF":
      return "afr";
    default:
      return undefined;
  }
}
