import { describe, expect, it } from "vitest";
import { locationHintFor } from "../../../src/objects/matchmaker/location-hint";

describe("locationHintFor", () => {
  it.each([
    [{ continent: "NA", longitude: "-122.4" }, "wnam"],
    [{ continent: "NA", longitude: "-74.0" }, "enam"],
    [{ continent: "NA" }, "enam"],
    [{ continent: "SA" }, "sam"],
    [{ continent: "EU", longitude: "2.35" }, "weur"],
    [{ continent: "EU", longitude: "37.6" }, "eeur"],
    [{ continent: "AS", country: "JP" }, "apac"],
    [{ continent: "AS", country: "AE" }, "me"],
    [{ continent: "OC" }, "oc"],
    [{ continent: "AF" }, "afr"],
  ])("%j -> %s", (cf, hint) => {
    expect(locationHintFor(cf)).toBe(hint);
  });

  it("gives no hint when the location is unknown", () => {
    expect(locationHintFor(undefined)).toBeUndefined();
    expect(locationHintFor({ continent: "AN" })).toBeUndefined();
    expect(locationHintFor({ continent: 42 })).toBeUndefined();
  });
});
