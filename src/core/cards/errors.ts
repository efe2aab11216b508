/** A card that cannot be read; the message is one line naming the file and the field. */
export class CardFormatError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly field?: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ""}${problem}`);
    this.name = "CardFormatError";
  }
}

/** A repair made while reading a card (the card was still accepted). */
export interface CardWarning {
  field: string;
  message: string;
}
