/**
 * A blocking JSON POST, for the one place that must be synchronous: a prompt is built
 * with a synchronous token counter, and a remote backend counts on its server. A worker
 * makes the request; this thread waits on shared memory and reads the answer off the port.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

const workerSource = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", async ({ url, headers, body, shared, port }) => {
  const flag = new Int32Array(shared);
  try {
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body), signal: AbortSignal.timeout(30000) });
    const text = await response.text();
    port.postMessage({ status: response.status, text });
  } catch (error) {
    port.postMessage({ error: String(error && error.cause && error.cause.code || error.message || error) });
  }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

export interface SyncAnswer {
  status?: number;
  text?: string;
  error?: string;
}

export class SyncRequester {
  private worker: Worker | undefined;

  post(url: string, headers: Record<string, string>, body: unknown): SyncAnswer {
    this.worker ??= new Worker(workerSource, { eval: true });
    // It must not keep the process alive once the app is done.
    this.worker.unref();
    const shared = new SharedArrayBuffer(4);
    const flag = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.worker.postMessage({ url, headers, body, shared, port: port2 }, [port2]);
    const waited = Atomics.wait(flag, 0, 0, 35_000);
    const message = receiveMessageOnPort(port1)?.message as SyncAnswer | undefined;
    port1.close();
    if (waited === "timed-out" || !message) return { error: "no answer in 35 s" };
    return message;
  }

  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }
}
