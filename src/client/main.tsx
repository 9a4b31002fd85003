import { render } from "preact";
render(<h1>Pong 3.1</h1>, document.getElementById("app")!);
