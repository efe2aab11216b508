import type { LibraryFacts } from "../library/readModelFacts.ts";
import { readModelFile } from "./readModelFile.ts";
import { getLlamaFor } from "../runtime/llama.ts";
import { ModelLoadError } from "./errors.ts";
import type { InstructTemplate } from "../../core/prompt/templates.ts";

/** A model's tokenizer alone: for exact token counts without loading any weights. */
export interface ModelTokenizer {
  name: string;
  facts: LibraryFacts;
  chatTemplate?: string;
  /** The chat template as rendered from the GGUF, when it could be derived. */
  ownTemplate?: InstructTemplate;
  countTokens(text: string): number;
  close(): Promise<void>;
}

export async function loadTokenizer(path: string): Promise<ModelTokenizer> {
  const { facts } = await readModelFile(path);
  const llama = await getLlamaFor("cpu");
  const model = await llama.loadModel({ modelPath: path, vocabOnly: true }).catch((error: Error) => {
    throw new ModelLoadError(path, error.message.split("\n")[0] ?? "its tokenizer could not be read");
  });
  const chatTemplate = model.fileInfo.metadata.tokenizer?.chat_template;
  const { ownTemplateFrom } = await import("./renderChatTemplate.ts");
  const ownTemplate = ownTemplateFrom(chatTemplate);
  return {
    name: facts.name ?? path,
    facts,
    ...(chatTemplate && { chatTemplate }),
    ...(ownTemplate && { ownTemplate }),
    countTokens: (text) => model.tokenize(text, true).length,
    close: () => model.dispose(),
  };
}
