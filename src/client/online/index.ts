/** The online screens, loaded on demand (a separate chunk) the first time one is opened. */
export { GameView } from "./GameView";
export { Hall } from "./Hall";
export { Lobby } from "./Lobby";
export { Tournaments } from "./Tournaments";
export { Watch } from "./Watch";
export { SignedIn } from "./common";
