import { describe, expect, it } from "vitest";
import { originAllowed } from "../../../src/worker/ws/origin";

const req = (headers: Record<string, string>) => new Request("https://pong.example/ws/game/ABCDEFGH", { headers });

describe("originAllowed", () => {
  it("allows the app's own origin", () => {
    expect(originAllowed(req({ Origin: "https://pong.example" }), undefined)).toBe(true);
  });
  it("refuses a foreign origin, even with a valid-looking token", () => {
    expect(originAllowed(req({ Origin: "https://evil.example", Authorization: "Bearer x" }), undefined)).toBe(false);
  });
  it("allows configured extra origins", () => {
    expect(originAllowed(req({ Origin: "http://localhost:5173" }), "https://a.example, http://localhost:5173")).toBe(true);
    expect(originAllowed(req({ Origin: "http://localhost:5174" }), "https://a.example, http://localhost:5173")).toBe(false);
  });
  it("accepts a missing Origin only with bearer auth (non-browser clients)", () => {
    expect(originAllowed(req({ Authorization: "Bearer x" }), undefined)).toBe(true);
    expect(originAllowed(req({ Cookie: "session=x" }), undefined)).toBe(false);
  });
});
