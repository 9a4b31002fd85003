export * from "./limits";
export * from "./messages";
export * from "./relay";
export * from "./input-frame";
export * from "./tournament";
export * from "./http";
