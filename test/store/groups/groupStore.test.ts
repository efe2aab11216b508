import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newGroup } from "../../../src/core/group/definition.ts";
import { AmbiguousGroupNameError, GroupNotFoundError, GroupStore } from "../../../src/store/groups/groupStore.ts";

const member = (name: string) => ({ key: `${name}.png`, cardId: name.toLowerCase(), name });

async function store() {
  return GroupStore.open({ dir: join(await mkdtemp(join(tmpdir(), "taproom-groups-")), "groups") });
}

test("groups are saved one file each, listed by name and found by id, name or a unique start of one", async () => {
  const groups = await store();
  await groups.save(newGroup({ id: "2", name: "The Inn", members: [member("Alice"), member("Bob")], chatId: "c1" }));
  await groups.save(newGroup({ id: "1", name: "", members: [member("Cleo")], chatId: "c2" }));
  await groups.save(newGroup({ id: "3", name: "The Innkeepers", members: [member("Dora")], chatId: "c3" }));
  const { groups: all, problems } = await groups.list();
  assert.deepEqual(all.map((g) => g.name), ["Group: Cleo", "The Inn", "The Innkeepers"]);
  assert.deepEqual(problems, []);
  assert.equal((await groups.get("2")).name, "The Inn");
  assert.equal((await groups.get("the inn")).id, "2");
  assert.equal((await groups.get("group")).id, "1");
  await assert.rejects(groups.get("The"), AmbiguousGroupNameError);
  await assert.rejects(groups.get("Tavern"), (e: unknown) => e instanceof GroupNotFoundError && /there are: Group: Cleo, The Inn, The Innkeepers/.test((e as Error).message));
  // Atomic writes leave no temp files behind.
  assert.deepEqual((await readdir(groups.dir)).sort(), ["1.json", "2.json", "3.json"]);
});

test("a damaged group file is named with its field and does not hide the others; delete moves a group to the trash", async () => {
  const groups = await store();
  await groups.save(newGroup({ id: "1", name: "Fine", members: [member("Alice")], chatId: "c" }));
  const text = JSON.parse(await readFile(join(groups.dir, "1.json"), "utf8"));
  await writeFile(join(groups.dir, "2.json"), JSON.stringify({ ...text, group: { ...text.group, id: "2", members: "Alice.png" } }));
  await writeFile(join(groups.dir, "3.json"), "{");
  const { groups: all, problems } = await groups.list();
  assert.deepEqual(all.map((g) => g.id), ["1"]);
  assert.deepEqual(problems, [`${join(groups.dir, "2.json")}: "group.members" must be a list of text`, `${join(groups.dir, "3.json")}: not valid JSON`]);
  const trash = await groups.delete("1");
  assert.ok(trash.includes(".trash"));
  assert.deepEqual((await groups.list()).groups, []);
  assert.equal(await groups.freeId(5), "5");
});
