import { render } from "preact";
import { App } from "./App";
import { unlockAudioOnFirstGesture } from "./audio";
import { refreshSession } from "./session";
import "./styles.css";

void refreshSession();
unlockAudioOnFirstGesture();
render(<App />, document.getElementById("app")!);
