/**
 * A token count without a model: about one token per 3.5 characters of English, the
 * usual rule of thumb for Llama-family tokenizers. Only for the prompt inspector
 * without --model, which says it is an approximation.
 */
export function approximateTokenCount(text: string): number {
  return Math.ceil(text.length / 3.5);
}
