import { test } from "node:test";
import assert from "node:assert/strict";
import { watchFirstScreen } from "../../../src/ui/app/firstScreen.ts";
import { card, chatEntry, fakeAppServices } from "../../support/fakeAppServices.ts";
import { settled as eventLoopTurns } from "../../support/frames.ts";

const settled = (promise: Promise<void>) => {
  let done = false;
  void promise.then(() => (done = true));
  return () => done;
};

test("the first screen counts as drawn a moment after its data arrived: the home screen's lists", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { services } = fakeAppServices([chatEntry("c1", "ada", "Ada", "2026-01-01T00:00:00.000Z")], [card("ada", "Ada")]);
  const first = watchFirstScreen(services);
  const drawn = settled(first.drawn);
  // On a mocked clock: until the data is read, only the 3 s limit would draw it.
  t.mock.timers.tick(2900);
  await eventLoopTurns();
  assert.equal(drawn(), false, "nothing read yet: the screen is not drawn");
  assert.deepEqual((await first.app.library.list()).cards.map((c) => c.name), ["Ada"]);
  await eventLoopTurns();
  t.mock.timers.tick(50);
  await first.drawn;
  assert.equal(drawn(), true);
});

test("a chat opened first counts too, even one that failed to open; the other services are the same", async () => {
  const { services, opened } = fakeAppServices([], [card("ada", "Ada")]);
  const first = watchFirstScreen(services);
  assert.equal((await first.app.chats.open({ characterId: "ada" })).character.name, "Ada");
  assert.deepEqual(opened, [{ characterId: "ada" }]);
  await first.drawn;
  assert.equal(first.app.models, services.models);
  assert.equal(first.app.lore, services.lore);
  const failing = watchFirstScreen({ ...services, chats: { ...services.chats, open: async (_target: unknown) => Promise.reject(new Error("card deleted")) } });
  await assert.rejects(failing.app.chats.open({ characterId: "gone" }), /card deleted/);
  await failing.drawn;
});
