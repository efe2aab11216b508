/** A line for whichever screen is open, each one new (its id), even when the text repeats. */
export interface Flash {
  id: number;
  text: string;
}
