export * from "./limits";
export * from "./messages";
export * from "./snapshot";
export * from "./tournament";
export * from "./http";
