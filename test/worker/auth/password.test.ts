import { describe, expect, it } from "vitest";
import { PASSWORD_ALGORITHM, PASSWORD_ITERATIONS, burnPasswordCheck, fromBase64, hashPassword, verifyPassword } from "../../../src/worker/auth/password";

describe("password hashing (PBKDF2-SHA256)", () => {
  it("hashes with a 16-byte random salt and 100,000 iterations; verifies only the right password", async () => {
    const h = await hashPassword("s3cret passphrase");
    expect(h.algorithm).toBe(PASSWORD_ALGORITHM);
    expect(h.iterations).toBe(100_000);
    expect(PASSWORD_ITERATIONS).toBe(100_000);
    expect(fromBase64(h.salt)).toHaveLength(16);
    expect(fromBase64(h.hash)).toHaveLength(32);
    expect(await verifyPassword("s3cret passphrase", h)).toBe(true);
    expect(await verifyPassword("s3cret passphrasE", h)).toBe(false);
    expect(await verifyPassword("", h)).toBe(false);
  });

  it("matches a known PBKDF2-HMAC-SHA256 vector (so the parameters really are what is stored)", async () => {
    // RFC 7914 section 11: P="passwd", S="salt", c=1, dkLen=64; first 32 bytes.
    const salt = btoa("salt");
    const expected = "VawEblbjCJ/sFpHCJUS2BflBhSFt3gRl5oudV8INrLw="; // 55 ac 04 6e 56 e3 08 9f ...
    expect(await verifyPassword("passwd", { hash: expected, salt, iterations: 1, algorithm: PASSWORD_ALGORITHM })).toBe(true);
  });

  it("never accepts unknown algorithms or out-of-range iteration counts", async () => {
    const h = await hashPassword("another password");
    expect(await verifyPassword("another password", { ...h, algorithm: "plaintext" })).toBe(false);
    expect(await verifyPassword("another password", { ...h, iterations: 0 })).toBe(false);
    expect(await verifyPassword("another password", { ...h, iterations: 100_001 })).toBe(false);
  });

  it("same password twice -> different salts and hashes", async () => {
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).not.toBe(b.hash);
  });

  it("NFC-normalises, so composed and decomposed input are the same password", async () => {
    const h = await hashPassword("caf\u00e9-password");
    expect(await verifyPassword("cafe\u0301-password", h)).toBe(true);
  });

  it("the unknown-user path does the work and always fails", async () => {
    expect(await burnPasswordCheck("anything")).toBe(false);
  });
});
