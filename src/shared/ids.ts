/**
 * Game and tournament ids: 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L), so a
 * private game's id doubles as the join code a player reads out to a friend.
 */
export const ID_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const ID_LENGTH = 8;
const ID_PATTERN = new RegExp(`^[${ID_ALPHABET}]{${ID_LENGTH}}$`);

export function isGameId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}

/** `randomBytes` comes from the caller (crypto.getRandomValues) so this module stays pure. */
export function gameIdFromBytes(randomBytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < ID_LENGTH; i++) out += ID_ALPHABET[randomBytes[i] % ID_ALPHABET.length];
  return out;
}
