import type { TuiApp } from "./tuiApp.ts";

/** How long after its data arrives the first screen is surely drawn (Ink draws within a frame or two). */
const DRAW_MS = 50;
/** Never wait longer than this: a first screen that reads nothing must not hold a model back. */
const LIMIT_MS = 3000;

/**
 * The app, watched for the first screen's data (the home screen's card list, or the chat
 * it opens), and a promise that resolves once that screen is drawn. Loading a model waits
 * for it: importing llama.cpp (hundreds of modules, on the same thread) would otherwise
 * hold the first frame back by about half a second.
 */
export function watchFirstScreen<T extends TuiApp>(app: T): { app: T; drawn: Promise<void> } {
  let arrived!: () => void;
  const data = new Promise<void>((resolve) => (arrived = resolve));
  const watched = <R>(promise: Promise<R>) => {
    promise.then(arrived, arrived);
    return promise;
  };
  const drawn = Promise.race([data.then(() => delay(DRAW_MS)), delay(LIMIT_MS, { keepAlive: false })]);
  const library = { ...app.library, list: () => watched(app.library.list()) };
  const chats = { ...app.chats, open: (target: Parameters<TuiApp["chats"]["open"]>[0]) => watched(app.chats.open(target)) };
  return { app: { ...app, library, chats }, drawn };
}

/** keepAlive false: a timer that must not keep a closing app's process alive. */
function delay(ms: number, { keepAlive = true } = {}): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (!keepAlive) timer.unref();
  });
}
