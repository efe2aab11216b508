/**
 * The home screen's "new group" form: a name, the members (characters by name, comma
 * separated, in list order) and who speaks next. Pure: keys in, the next form (or what to
 * do) out; lines to draw.
 */
import type { Key } from "ink";
import { ACTIVATION_STRATEGIES, type ActivationStrategy } from "../../core/group/types.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { formKey } from "../components/formFocus.ts";

export type GroupField = "name" | "members" | "strategy";
const FIELDS: GroupField[] = ["name", "members", "strategy"];

export interface GroupForm {
  name: string;
  members: string;
  strategy: ActivationStrategy;
  focus: GroupField;
  /** Why the last Enter did not make the group, shown under the form. */
  problem: string | null;
}

/** A new form, its members field started with the character selected on the home screen. */
export function newGroupForm(firstMember?: string): GroupForm {
  return { name: "", members: firstMember ? `${firstMember}, ` : "", strategy: "natural", focus: "name", problem: null };
}

export type GroupFormStep = { form: GroupForm } | { create: { name: string; members: string[]; strategy: ActivationStrategy } } | { cancel: true };

const WHY: Record<ActivationStrategy, string> = {
  natural: "whoever is named or talkative",
  list: "everyone, in list order",
  manual: "only the one you pick",
  pooled: "each in turn until all have spoken",
};

export function groupFormKey(form: GroupForm, char: string, key: Key, edit: (text: string) => string): GroupFormStep {
  const step = formKey(form, { fields: FIELDS, choice: { field: "strategy", choices: ACTIVATION_STRATEGIES } }, char, key, edit);
  return "submit" in step ? submit(form) : step;
}

function submit(form: GroupForm): GroupFormStep {
  const name = form.name.trim();
  const members = form.members.split(",").map((m) => m.trim()).filter(Boolean);
  if (!name) return { form: { ...form, focus: "name", problem: "Name the group" } };
  if (members.length === 0) return { form: { ...form, focus: "members", problem: "Name at least one character (comma between names)" } };
  return { create: { name, members, strategy: form.strategy } };
}

export function groupFormLines(form: GroupForm): string[] {
  const row = (field: GroupField, label: string, value: string) => `${form.focus === field ? "›" : " "} ${label.padEnd(9)}${value}${form.focus === field && field !== "strategy" ? "█" : ""}`;
  const strategies = ACTIVATION_STRATEGIES.map((s) => (s === form.strategy ? `[${s}]` : s)).join(" ");
  return [
    "New group chat:",
    row("name", "Name", displayText(form.name)),
    row("members", "Members", form.members || form.focus === "members" ? displayText(form.members) : "(characters by name, comma between)"),
    row("strategy", "Replies", `${form.focus === "strategy" ? `‹ ${strategies} ›` : strategies} · ${WHY[form.strategy]}`),
    ...(form.problem ? [displayText(form.problem)] : []),
  ];
}
