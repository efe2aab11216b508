/**
 * A model loaded to serve HTTP clients (`taproom serve`): planned and loaded as the
 * chat loads one, with `parallel` context sequences, each a SequenceRunner keeping its
 * own KV cache. What the server needs beyond generating is here too: tokenizing as
 * llama.cpp's server does, the model's facts for /props and /v1/models, its chat
 * template rendered for chat completions, grammars and token biases.
 */
import { basename } from "node:path";
import type { LlamaContext, LlamaGrammar, LlamaModel, Token } from "node-llama-cpp";
import type { RenderTurn, RenderTurns } from "../../core/prompt/derivedTemplate.ts";
import { biasSupport, openModel, stateKeyFor, type LoadedModelInfo, type LoadedModelRuntime, type LoadModelOptions } from "../generation/loadModel.ts";
import type { ReplyInput } from "../generation/generateReply.ts";
import { SequenceRunner } from "../generation/sequenceRunner.ts";

export interface ServedModelFacts {
  /** The GGUF's file name without `.gguf`: the name clients show. */
  fileStem: string;
  fileName: string;
  /** Context of each sequence. */
  contextSize: number;
  trainContext: number;
  vocabSize: number;
  embeddingSize: number;
  /** Bytes of the weights. */
  sizeBytes: number;
  parameters: number;
  /** The GGUF's Jinja chat template, "" when it has none. */
  chatTemplate: string;
  bosText: string;
  eosText: string;
  /** llama.cpp's vocabulary type number (1 SentencePiece, 2 BPE, ...). */
  vocabType: number;
}

/** A chat message as OpenAI's chat completions send it, text only. */
export type ServedChatMessage = RenderTurn;

export class ServedModel {
  readonly sequences: SequenceRunner[];
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private eog?: Token[];
  private renderer?: RenderTurns | null;

  private constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    readonly info: LoadedModelInfo,
    runtime: LoadedModelRuntime,
    count: number,
  ) {
    const support = biasSupport(model, runtime);
    const keyFor = stateKeyFor(context, info);
    this.sequences = Array.from({ length: count }, () => new SequenceRunner(model, context.getSequence(), info.kvStrategy, keyFor, support));
  }

  static async load(options: LoadModelOptions & { parallel: number }): Promise<ServedModel> {
    const opened = await openModel({ ...options, sequences: options.parallel });
    return new ServedModel(opened.model, opened.context, opened.info, opened.runtime, options.parallel);
  }

  get contextSize(): number {
    return this.context.contextSize;
  }

  get facts(): ServedModelFacts {
    const m = this.model;
    const tokens = m.fileInfo.metadata.tokenizer?.ggml?.tokens;
    const embd = m.fileInfo.fullTensorInfo?.find((t) => t.name === "token_embd.weight")?.dimensions;
    const fileName = basename(this.info.path);
    return {
      fileStem: fileName.replace(/\.gguf$/i, ""),
      fileName,
      contextSize: this.contextSize,
      trainContext: m.trainContextSize,
      vocabSize: Array.isArray(tokens) ? tokens.length : Number(embd?.[1] ?? 0),
      embeddingSize: m.embeddingVectorSize,
      sizeBytes: m.size,
      parameters: this.info.facts.parameters,
      chatTemplate: m.fileInfo.metadata.tokenizer?.chat_template ?? "",
      bosText: m.tokens.bosString ?? "",
      eosText: m.tokens.eosString ?? "",
      vocabType: ["none", "spm", "bpe", "wpm", "ugm", "rwkv"].indexOf(String(m.vocabularyType)),
    };
  }

  /** Special tokens in the text are parsed (`<|im_start|>` is one token); BOS first when asked and the model wants one. */
  tokenize(text: string, options: { addBos: boolean; parseSpecial?: boolean }): Token[] {
    const tokens = this.model.tokenize(text, options.parseSpecial ?? true);
    const bos = this.model.tokens.bos;
    if (options.addBos && bos !== null && this.model.tokens.shouldPrependBosToken && tokens[0] !== bos) tokens.unshift(bos);
    return tokens;
  }

  /** Whether the model prepends BOS to a prompt (llama.cpp's add_bos_token). */
  get addsBos(): boolean {
    return this.model.tokens.bos !== null && this.model.tokens.shouldPrependBosToken;
  }

  detokenize(tokens: readonly Token[], renderSpecial = true): string {
    return this.model.detokenize(tokens, renderSpecial);
  }

  /** One token's text as bytes, for llama.cpp's `with_pieces` (a piece may be part of a character). */
  pieceBytes(token: Token): Uint8Array {
    const text = this.model.fileInfo.metadata.tokenizer?.ggml?.tokens?.[token];
    const byte = typeof text === "string" ? /^<0x([0-9A-Fa-f]{2})>$/.exec(text) : null;
    if (byte) return Uint8Array.of(parseInt(byte[1]!, 16));
    return new TextEncoder().encode(this.model.detokenize([token], true));
  }

  isToken(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.facts.vocabSize;
  }

  /** Every end-of-generation token (EOS, EOT, ...), found once in the vocabulary. */
  eogTokens(): Token[] {
    if (!this.eog) {
      const found: Token[] = [];
      const size = this.facts.vocabSize;
      for (let id = 0; id < size; id++) if (this.model.isEogToken(id as Token)) found.push(id as Token);
      this.eog = found;
    }
    return this.eog;
  }

  /**
   * The model's own chat template applied to messages: with the assistant's turn opened
   * after them, or, when the last message is the assistant's, with it left open to be
   * continued. Undefined when the GGUF has no template that renders.
   */
  async renderChat(messages: ServedChatMessage[]): Promise<string | undefined> {
    if (this.renderer === undefined) {
      const { jinjaRenderer } = await import("../generation/renderChatTemplate.ts");
      const template = this.facts.chatTemplate;
      this.renderer = (template && jinjaRenderer(template)) || null;
    }
    if (!this.renderer) return undefined;
    const last = messages.at(-1);
    return this.renderer(messages, last?.role !== "assistant");
  }

  /** A fresh grammar state for one reply; compiled grammars are kept (a client sends the same one each time). */
  async grammarState(gbnf: string): Promise<NonNullable<ReplyInput["grammar"]>> {
    const { LlamaGrammarEvaluationState } = await import("node-llama-cpp");
    let grammar = this.grammars.get(gbnf);
    if (!grammar) {
      grammar = this.model.llama.createGrammar({ grammar: gbnf });
      this.grammars.set(gbnf, grammar);
      grammar.catch(() => this.grammars.delete(gbnf));
      if (this.grammars.size > 16) this.grammars.delete(this.grammars.keys().next().value!);
    }
    return new LlamaGrammarEvaluationState({ model: this.model, grammar: await grammar });
  }

  /** A JSON schema as a grammar state; throws with the reason when node-llama-cpp cannot convert it. */
  async jsonSchemaState(schema: object): Promise<NonNullable<ReplyInput["grammar"]>> {
    const { LlamaGrammarEvaluationState } = await import("node-llama-cpp");
    const grammar = await this.model.llama.createGrammarForJsonSchema(schema as never);
    return new LlamaGrammarEvaluationState({ model: this.model, grammar });
  }

  async unload(): Promise<void> {
    if (this.model.disposed) return;
    await this.context.dispose();
    await this.model.dispose();
  }
}
