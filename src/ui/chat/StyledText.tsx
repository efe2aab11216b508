import React from "react";
import { Text } from "ink";
import { displayText } from "../../core/text/sanitize.ts";
import { roleplaySpans } from "./roleplayStyle.ts";

/** Untrusted message text: sanitized whole, then styled; plain when colour is off. */
export const StyledText = React.memo(function StyledText({ text, color }: { text: string; color: boolean }) {
  const safe = displayText(text);
  if (!color) return <Text>{safe}</Text>;
  return (
    <Text>
      {roleplaySpans(safe).map((span, i) =>
        span.style === "action" ? (
          <Text key={i} italic dimColor>{span.text}</Text>
        ) : span.style === "speech" ? (
          <Text key={i} color="yellow">{span.text}</Text>
        ) : span.style === "ooc" ? (
          <Text key={i} dimColor>{span.text}</Text>
        ) : (
          <Text key={i}>{span.text}</Text>
        ),
      )}
    </Text>
  );
});
