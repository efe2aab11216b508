/**
 * Finds which of many fixed strings occur in a text in one pass over it (Aho-Corasick
 * over UTF-16 code units), so a book's phrase keys cost the text's length, not the
 * number of keys times it.
 */
export class NeedleMatcher {
  /** Edges of the trie: state * 65536 + code unit -> next state. */
  private readonly edges = new Map<number, number>();
  private readonly fail: number[] = [0];
  /** Needle ids that end at a state. */
  private readonly ends = new Map<number, number[]>();
  /** The nearest state down the fail links that ends a needle, or 0. */
  private readonly dict: number[] = [0];
  readonly size: number;

  constructor(needles: readonly string[]) {
    this.size = needles.length;
    const children: number[][] = [[]];
    needles.forEach((needle, id) => {
      if (needle === "") return;
      let state = 0;
      for (let i = 0; i < needle.length; i++) {
        const edge = state * 65536 + needle.charCodeAt(i);
        let next = this.edges.get(edge);
        if (next === undefined) {
          next = this.fail.length;
          this.edges.set(edge, next);
          this.fail.push(0);
          this.dict.push(0);
          children.push([]);
          children[state]!.push(next);
        }
        state = next;
      }
      const list = this.ends.get(state);
      if (list) list.push(id);
      else this.ends.set(state, [id]);
    });
    this.link(children);
  }

  /** Fail and dictionary links, breadth first so a state's shorter suffixes are done before it. */
  private link(children: number[][]): void {
    const code = new Map<number, number>();
    for (const [edge, next] of this.edges) code.set(next, edge % 65536);
    const queue = [...children[0]!];
    for (let at = 0; at < queue.length; at++) {
      const state = queue[at]!;
      for (const child of children[state]!) {
        const c = code.get(child)!;
        let f = this.fail[state]!;
        let target = this.edges.get(f * 65536 + c);
        while (target === undefined && f !== 0) {
          f = this.fail[f]!;
          target = this.edges.get(f * 65536 + c);
        }
        const fail = target ?? 0;
        this.fail[child] = fail;
        this.dict[child] = this.ends.has(fail) ? fail : this.dict[fail]!;
        queue.push(child);
      }
    }
  }

  /** 1 at each needle id that occurs somewhere in `text`. */
  findIn(text: string): Uint8Array {
    const found = new Uint8Array(this.size);
    const seen = new Uint8Array(this.fail.length);
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      let next = this.edges.get(state * 65536 + c);
      while (next === undefined && state !== 0) {
        state = this.fail[state]!;
        next = this.edges.get(state * 65536 + c);
      }
      state = next ?? 0;
      // Every needle ending here, once per state: a state seen before has marked its whole chain.
      for (let s = this.ends.has(state) ? state : this.dict[state]!; s !== 0 && !seen[s]; s = this.dict[s]!) {
        seen[s] = 1;
        for (const id of this.ends.get(s)!) found[id] = 1;
      }
    }
    return found;
  }
}
