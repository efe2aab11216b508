/**
 * Reply tokens to text one token at a time, at a cost that does not grow with the
 * reply: each token is detokenized with the few tokens before it as context (what a
 * SentencePiece leading space needs), and bytes of a character split across tokens
 * are held until the character is whole.
 */
export type Detokenize = (tokens: readonly number[], lastTokens?: readonly number[]) => string;

/** Bytes of one UTF-8 character span at most 4 tokens. */
const MAX_SPLIT = 4;
const CONTEXT = 4;

export class TokenText {
  private pending: number[] = [];
  private context: number[] = [];

  constructor(private readonly detokenize: Detokenize) {}

  /** The text this token completes ("" while a character is still incomplete). */
  push(token: number): string {
    this.pending.push(token);
    const piece = this.detokenize(this.pending, this.context);
    if (piece.endsWith("\ufffd") && this.pending.length < MAX_SPLIT) return "";
    this.context = [...this.context, ...this.pending].slice(-CONTEXT);
    this.pending = [];
    return piece;
  }

  /** Text of tokens still held (an incomplete character), once generation is over. */
  flush(): string {
    if (this.pending.length === 0) return "";
    const piece = this.detokenize(this.pending, this.context);
    this.pending = [];
    return piece;
  }
}
