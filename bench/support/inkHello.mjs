// The baseline for taproom's first frame: the smallest Ink app, in plain JavaScript.
import React from "react";
import { render, Text } from "ink";

render(React.createElement(Text, null, "hello from ink"));
setInterval(() => {}, 60_000); // stay on screen, as an app does, until the bench ends it
