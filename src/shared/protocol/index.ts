export * from "./limits";
export * from "./messages";
export * from "./relay";
export * from "./tournament";
export * from "./http";
