/** The AI levels a player can pick. Kept apart from aiDriver so the home page does not pull in the AI. */
import type { AiLevel } from "../../shared/ai/levels";

export type { AiLevel };
export const AI_LEVELS: readonly AiLevel[] = ["easy", "medium", "hard"];

export function isAiLevel(value: string): value is AiLevel {
  return (AI_LEVELS as readonly string[]).includes(value);
}
