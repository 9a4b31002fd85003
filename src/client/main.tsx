import { render } from "preact";
import { App } from "./App";
import { refreshSession } from "./session";
import "./styles.css";

void refreshSession();
render(<App />, document.getElementById("app")!);
