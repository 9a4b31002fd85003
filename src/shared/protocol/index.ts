export * from "./limits";
export * from "./messages";
export * from "./snapshot";
export * from "./relay";
export * from "./tournament";
export * from "./http";
