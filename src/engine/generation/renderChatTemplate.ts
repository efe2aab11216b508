/**
 * Renders a GGUF's Jinja chat template through node-llama-cpp's JinjaTemplateChatWrapper,
 * for core/prompt's deriveTemplate. Special tokens the template writes (BOS, EOS) are
 * left out: the engine adds BOS itself and the derived turns must be plain text.
 */
import { JinjaTemplateChatWrapper, type ChatHistoryItem } from "node-llama-cpp";
import { deriveTemplate, type InstructTemplate, type RenderTurns } from "../../core/prompt/index.ts";

export function jinjaRenderer(template: string): RenderTurns | undefined {
  let wrapper: JinjaTemplateChatWrapper;
  try {
    wrapper = new JinjaTemplateChatWrapper({ template });
  } catch {
    return undefined;
  }
  return (turns, generation = true) => {
    const history: ChatHistoryItem[] = turns.map((t) =>
      t.role === "assistant" ? { type: "model", response: [t.content] } : { type: t.role, text: t.content },
    );
    if (generation) history.push({ type: "model", response: [] });
    const { contextText } = wrapper.generateContextState({ chatHistory: history });
    const json = contextText.toJSON();
    const parts = typeof json === "string" ? [json] : json;
    return parts.map((part) => (typeof part === "string" ? part : part.type === "specialTokensText" ? part.value : "")).join("");
  };
}

/** The model's own template as taproom turns, or undefined when it cannot be derived exactly. */
export function ownTemplateFrom(chatTemplate: string | undefined): InstructTemplate | undefined {
  if (!chatTemplate) return undefined;
  const render = jinjaRenderer(chatTemplate);
  return render && deriveTemplate(render);
}
