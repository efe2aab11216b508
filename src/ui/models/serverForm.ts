/**
 * The model screen's "connect to a server" form: address, API, key and model, one field
 * focused at a time. Pure: keys in, the next form (or what to do) out; lines to draw.
 */
import type { Key } from "ink";
import { REMOTE_APIS, type RemoteApi, type RemoteBackendOptions } from "../../app/backends.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { wrapText } from "./modelLines.ts";
import { formKey } from "../components/formFocus.ts";

export interface ServerForm {
  url: string;
  api: RemoteApi;
  key: string;
  model: string;
  /** The same model's GGUF, for exact token counts where the server cannot count. */
  tokenizer: string;
  focus: ServerField;
  /** Why the last Enter was not sent, shown under the form. */
  problem: string | null;
}

export type ServerField = "url" | "api" | "key" | "model" | "tokenizer";
const FIELDS: ServerField[] = ["url", "api", "key", "model", "tokenizer"];

/** A new form: the connected server's address and API, else KoboldCpp's usual address. */
export function newServerForm(current?: { url: string; api: RemoteApi } | null): ServerForm {
  return { url: current?.url ?? "http://127.0.0.1:5001", api: current?.api ?? "koboldcpp", key: "", model: "", tokenizer: "", focus: "url", problem: null };
}

export type ServerFormStep = { form: ServerForm } | { connect: RemoteBackendOptions } | { cancel: true };

/**
 * One read of keys. `edit` turns the focused text and the keys into the new text (the
 * screen's own one-line editing), so typing, Backspace and paste behave as elsewhere.
 */
export function serverFormKey(form: ServerForm, char: string, key: Key, edit: (text: string) => string): ServerFormStep {
  const step = formKey(form, { fields: FIELDS, choice: { field: "api", choices: REMOTE_APIS } }, char, key, edit);
  return "submit" in step ? submit(form) : step;
}

function submit(form: ServerForm): ServerFormStep {
  const url = form.url.trim();
  if (!/^https?:\/\/\S+$/i.test(url)) return { form: { ...form, focus: "url", problem: "The address must start with http:// or https:// (e.g. http://127.0.0.1:5001)" } };
  const key = form.key.trim();
  const model = form.model.trim();
  const tokenizer = form.tokenizer.trim();
  return { connect: { url, api: form.api, ...(key && { apiKey: key }), ...(model && { model }), ...(tokenizer && { tokenizer }) } };
}

/** The form as lines: a title, one row per field (the focused one marked, the key hidden), the problem if any. */
export function serverFormLines(form: ServerForm, width: number): string[] {
  const row = (field: ServerField, label: string, value: string) => `${form.focus === field ? "›" : " "} ${label.padEnd(8)}${value}${form.focus === field && field !== "api" ? "█" : ""}`;
  const apis = REMOTE_APIS.map((a) => (a === form.api ? `[${a}]` : a)).join(" ");
  return [
    ...wrapText("Connect to a server: taproom serve, KoboldCpp, llama.cpp's server, OpenAI-compatible, Ollama, TabbyAPI, vLLM", width, 2),
    row("url", "Address", displayText(form.url)),
    row("api", "API", form.focus === "api" ? `‹ ${apis} ›` : apis),
    row("key", "Key", form.key ? "•".repeat(Math.min(form.key.length, 24)) : form.focus === "key" ? "" : "(none)"),
    row("model", "Model", form.model ? displayText(form.model) : form.focus === "model" ? "" : "(the server's own)"),
    row("tokenizer", "GGUF", form.tokenizer ? displayText(form.tokenizer) : form.focus === "tokenizer" ? "" : "(optional: the same model's file, for exact token counts)"),
    ...(form.problem ? wrapText(displayText(form.problem), width, 3) : []),
  ];
}
