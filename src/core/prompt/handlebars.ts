/**
 * The part of Handlebars a SillyTavern story string uses, rendered the way SillyTavern's
 * renderStoryString compiles it (no HTML escaping): `{{name}}` and `{{{name}}}` values,
 * `{{#if}}`/`{{#unless}}` with `{{else}}`, comments, `~` white-space control, and
 * Handlebars' rule that a block tag alone on its line takes the line with it. A mustache
 * that names no value is left as written, for the macro pass after (SillyTavern's
 * helperMissing hands it to its macros; `{{trim}}` is kept the same way).
 */

export type TemplateValues = Readonly<Record<string, string>>;

type Node =
  | { kind: "text"; text: string }
  | { kind: "value"; name: string; raw: string }
  | { kind: "block"; helper: "if" | "unless"; name: string; then: Node[]; else: Node[] };

interface Tag { start: number; end: number; body: string; stripBefore: boolean; stripAfter: boolean; triple: boolean }

const TAG = /\{\{(~?)(\{?)([\s\S]*?)(\}?)(~?)\}\}/g;

function tags(source: string): Tag[] {
  const out: Tag[] = [];
  for (const m of source.matchAll(TAG)) {
    let body = m[3]!;
    const start = m.index!;
    let end = start + m[0].length;
    // `{{!-- ... --}}` may hold "}}": read it to its own end.
    if (/^\s*!--/.test(body) && !/--\s*$/.test(body)) {
      const close = source.indexOf("--}}", start);
      if (close < 0) continue;
      end = close + 4;
      body = source.slice(start + 2, close + 2);
    }
    out.push({ start, end, body: body.trim(), stripBefore: m[1] === "~", stripAfter: m[5] === "~", triple: m[2] === "{" && m[4] === "}" });
  }
  // Overlaps (a comment's span swallowing later matches) keep the first.
  return out.filter((t, i) => i === 0 || t.start >= out.slice(0, i).reduce((e, p) => Math.max(e, p.end), 0));
}

const isBlockTag = (body: string) => /^[#/!^]/.test(body) || body === "else";

/**
 * Handlebars' standalone rule: a block, else or comment tag with only white space around
 * it on its line removes that white space and the line's newline.
 */
function standalone(source: string, list: Tag[]): Tag[] {
  return list.map((t) => {
    if (!isBlockTag(t.body)) return t;
    const lineStart = source.lastIndexOf("\n", t.start - 1) + 1;
    const before = source.slice(lineStart, t.start);
    const nl = source.indexOf("\n", t.end);
    const lineEnd = nl < 0 ? source.length : nl + 1;
    const after = source.slice(t.end, nl < 0 ? source.length : nl).replace(/\r$/, "");
    const othersOnLine = list.some((o) => o !== t && o.start >= lineStart && o.end <= lineEnd);
    if (othersOnLine || /\S/.test(before) || /\S/.test(after)) return t;
    return { ...t, start: lineStart, end: lineEnd };
  });
}

function parse(source: string): Node[] {
  const list = standalone(source, tags(source));
  const root: Node[] = [];
  const stack: { nodes: Node[]; block?: Extract<Node, { kind: "block" }>; inElse: boolean }[] = [{ nodes: root, inElse: false }];
  let pos = 0;
  let trimNext = false;
  const push = (node: Node) => {
    const top = stack[stack.length - 1]!;
    if (top.block) (top.inElse ? top.block.else : top.block.then).push(node);
    else top.nodes.push(node);
  };
  for (const t of list) {
    let text = source.slice(pos, t.start);
    if (trimNext) text = text.replace(/^\s+/, "");
    if (t.stripBefore) text = text.replace(/\s+$/, "");
    if (text) push({ kind: "text", text });
    pos = t.end;
    trimNext = t.stripAfter;
    const body = t.body;
    const open = /^#\s*(if|unless)\s+([^\s}]+)\s*$/.exec(body);
    if (open) {
      const block: Extract<Node, { kind: "block" }> = { kind: "block", helper: open[1] as "if" | "unless", name: open[2]!, then: [], else: [] };
      push(block);
      stack.push({ nodes: [], block, inElse: false });
    } else if (/^\/\s*(if|unless)$/.test(body) && stack.length > 1) {
      stack.pop();
    } else if ((body === "else" || body === "^") && stack.length > 1) {
      stack[stack.length - 1]!.inElse = true;
    } else if (body.startsWith("!")) {
      // a comment
    } else if (/^[A-Za-z_$][\w$.-]*$/.test(body)) {
      push({ kind: "value", name: body, raw: source.slice(t.start, t.end) });
    } else {
      push({ kind: "text", text: source.slice(t.start, t.end) });
    }
  }
  let rest = source.slice(pos);
  if (trimNext) rest = rest.replace(/^\s+/, "");
  if (rest) push({ kind: "text", text: rest });
  return root;
}

function render(nodes: Node[], values: TemplateValues): string {
  let out = "";
  for (const n of nodes) {
    if (n.kind === "text") out += n.text;
    else if (n.kind === "value") out += Object.hasOwn(values, n.name) ? values[n.name]! : n.raw;
    else {
      const truthy = Object.hasOwn(values, n.name) && values[n.name] !== "";
      out += render(truthy === (n.helper === "if") ? n.then : n.else, values);
    }
  }
  return out;
}

/** Renders a story string with its values; what names no value is kept for the macros. */
export function renderTemplate(source: string, values: TemplateValues): string {
  return render(parse(source), values);
}
