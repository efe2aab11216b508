import type { AppServices } from "./appServices.ts";

/** How long after its data arrives the first screen is surely drawn (Ink draws within a frame or two). */
const DRAW_MS = 50;
/** Never wait longer than this: a first screen that reads nothing must not hold a model back. */
const LIMIT_MS = 3000;

/**
 * The services, watched for the first screen's data (the home screen's lists, or the chat
 * it opens), and a promise that resolves once that screen is drawn. Loading a model waits
 * for it: importing llama.cpp (hundreds of modules, on the same thread) would otherwise
 * hold the first frame back by about half a second.
 */
export function watchFirstScreen(services: AppServices): { services: AppServices; drawn: Promise<void> } {
  let arrived!: () => void;
  const data = new Promise<void>((resolve) => (arrived = resolve));
  const watched = <T>(promise: Promise<T>) => {
    promise.then(arrived, arrived);
    return promise;
  };
  const drawn = Promise.race([data.then(() => delay(DRAW_MS)), delay(LIMIT_MS, { keepAlive: false })]);
  return {
    services: { ...services, characters: () => watched(services.characters()), openChat: (target) => watched(services.openChat(target)) },
    drawn,
  };
}

/** keepAlive false: a timer that must not keep a closing app's process alive. */
function delay(ms: number, { keepAlive = true } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (!keepAlive) timer.unref();
  });
}
