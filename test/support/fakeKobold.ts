/**
 * A small KoboldCpp on 127.0.0.1, in KoboldCpp's documented shapes (model, context,
 * token count, streamed generation), run in a worker thread: a remote backend counts
 * tokens with a blocking request, which a server on the test's own thread could never answer.
 * GET /seen lists the paths asked for, with the Authorization header each carried.
 */
import { Worker } from "node:worker_threads";

const source = `
const { parentPort, workerData } = require("node:worker_threads");
const { createServer } = require("node:http");
const { model, context, reply, key } = workerData;
const seen = [];
const json = (res, status, body) => { res.writeHead(status, { "Content-Type": "application/json" }); res.end(JSON.stringify(body)); };
const server = createServer((req, res) => {
  let raw = "";
  req.on("data", (c) => (raw += c));
  req.on("end", () => {
    const route = req.method + " " + req.url;
    if (route === "GET /seen") return json(res, 200, seen);
    seen.push({ route, authorization: req.headers.authorization ?? null });
    if (key && req.headers.authorization !== "Bearer " + key) return json(res, 401, { detail: { msg: "Invalid API key" } });
    if (route === "GET /api/v1/model") return json(res, 200, { result: "koboldcpp/" + model });
    if (route === "GET /api/extra/true_max_context_length") return json(res, 200, { value: context });
    if (route === "POST /api/extra/tokencount") {
      const prompt = JSON.parse(raw || "{}").prompt ?? "";
      return json(res, 200, { value: prompt.split(/\\s+/).filter(Boolean).length, ids: [] });
    }
    if (route === "POST /api/extra/generate/stream") {
      res.writeHead(200, { "Content-Type": "text/event-stream" });
      const words = reply.split(/(?<= )/);
      words.forEach((w, i) => res.write("event: message\\ndata: " + JSON.stringify({ token: w, finish_reason: i === words.length - 1 ? "stop" : null }) + "\\n\\n"));
      return res.end();
    }
    json(res, 404, { detail: { msg: "no route " + req.url } });
  });
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
parentPort.on("message", () => server.close(() => process.exit(0)));
`;

export interface FakeKobold {
  url: string;
  /** The routes asked for so far ("GET /api/v1/model"), with the key header each carried. */
  seen(): Promise<Array<{ route: string; authorization: string | null }>>;
  close(): Promise<void>;
}

export async function startFakeKobold(options: { model?: string; context?: number; reply?: string; key?: string } = {}): Promise<FakeKobold> {
  const worker = new Worker(source, {
    eval: true,
    workerData: { model: options.model ?? "Nemo-12B-Q4_K_M", context: options.context ?? 8192, reply: options.reply ?? "The lamps are lit.", key: options.key ?? null },
  });
  const port = await new Promise<number>((done, fail) => {
    worker.once("message", done);
    worker.once("error", fail);
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    seen: async () => (await (await fetch(`${url}/seen`)).json()) as Array<{ route: string; authorization: string | null }>,
    async close() {
      const exited = new Promise((done) => worker.once("exit", done));
      worker.postMessage("stop");
      await exited;
    },
  };
}
