// What `taproom --help` and `taproom COMMAND --help` print: name, summary and usage of
// every command, kept apart from the commands so that help never loads them.
import { ARCHITECTURES } from "../../app/architectures.ts";
import { samplerRangeText, samplerTable } from "../../core/samplers/table.ts";
import type { CommandHelp } from "../command.ts";

/** One usage line per sampler flag of the table: its range, its default and what it does. */
export function samplerFlagUsage(): string {
  return samplerTable
    .map((s) => `  ${`--${s.flag} ${s.integer ? "N" : "X"}`.padEnd(24)}${`${samplerRangeText(s)}, ${s.default}`.padEnd(22)}${s.help}`)
    .join("\n");
}

/** samplerFlags.ts's tokenFlagOptions, described (here: the help loads no command module). */
const tokenFlagUsage = `  --ban TEXT             keep TEXT's tokens out of the reply ("[id,id]" for token ids); repeatable
  --logit-bias TEXT=N    add N to TEXT's tokens ({TEXT} verbatim, "[id,id]" ids); -100 keeps them out; repeatable
  --grammar FILE.gbnf    a GBNF grammar the reply must follow
  --ban-eos              never end early: write to --max-tokens or a stop string`;

const backendUsage = `Remote backend (instead of --model):
  --backend URL          a running server: taproom serve, KoboldCpp, llama-server, Ollama, TabbyAPI, vLLM, ...
  --api NAME             what it speaks: koboldcpp | llamacpp | openai | ollama | tabby | vllm
  --api-key KEY          sent as "Authorization: Bearer KEY" (or set TAPROOM_BACKEND_KEY)
  --remote-model NAME    the model to ask for (openai, ollama, tabby, vllm; default the server's first)
  --tokenizer FILE.gguf  the same model's GGUF: exact token counts where the server has no tokenize route
  The prompt is built here exactly as for the embedded model; the connection notes say which samplers
  the API ignores.
`;

export const tuiHelp: CommandHelp = {
  name: "tui",
  summary: "open the interactive app (the default when no command is given)",
  usage: `Usage: taproom [tui] [options]

Opens the interactive app (needs a terminal).

Options:
  --model FILE        GGUF model to load (a path or a name from taproom models; default: the last one loaded)
  --character NAME    character to chat with
  --models-dir DIR    folder of GGUF files
  --gpu TYPE          cuda | vulkan | metal | cpu
  --context N         context size in tokens
  --gpu-layers N      layers to offload to the GPU
  --threads N         CPU threads
${backendUsage}`,
};

export const chatHelp: CommandHelp = {
  name: "chat",
  summary: "send one message headless and print the reply",
  usage: `Usage: taproom chat (--model FILE | --backend URL --api NAME) --character FILE_OR_NAME --message TEXT [options]
       taproom chat (--model FILE | --backend URL --api NAME) --group NAME [--message TEXT] [--as MEMBER] [options]

Sends one message and prints only the reply on stdout, for scripts and SSH one-liners.
With --group, the group's open chat goes on (saved): its strategy chooses who replies (or
--as MEMBER makes one speak, muted or not) and each reply prints as "Name: text"; --json
names each speaker, why it spoke, and who did not.

Chat:
  --chat NAME            continue a saved chat (the reply is saved)
  --new-chat NAME        start a saved chat with this title
  --template NAME        prompt template: auto (the model's own), chatml, llama3, mistral, mistral-tekken,
                         gemma, alpaca, vicuna, plain, or one imported with taproom preset import
  --names on|off         "Name: " before each message in the prompt (default: the chat's choice, else on)
  --json                 print reply, reasoning, stop reason, tokens, timings, the KV cache's reuse
                         (what was evaluated again and why), the summary update and the load plan as JSON
  --allow-card-scripts   let the card's own regex scripts run (remembered; see taproom regex)
Sampling (over the chat's preset and its own settings, for this reply; range, default):
  --preset NAME                                 the sampler preset to start from
${samplerFlagUsage()}
${tokenFlagUsage}
Runtime:
  --gpu auto|cuda|vulkan|metal|cpu  --gpu-layers N  --context N  --threads N
${backendUsage}`,
};

export const promptHelp: CommandHelp = {
  name: "prompt",
  summary: "show the exact prompt for the next reply, by section with token counts",
  usage: `Usage: taproom prompt --character FILE_OR_NAME [--chat NAME_OR_FILE.jsonl] [--model FILE] [--template NAME] [--names on|off] [--context N] [--max-tokens N] [--json]

Prints the exact prompt the next reply would be generated from, split into its
sections (system, card, examples, lore, history, author's note) with token counts:
the model's tokenizer with --model, otherwise an estimate (and it says so). The reply's
room (--max-tokens) comes from the chat's samplers unless given.
`,
};

export const cardHelp: CommandHelp = {
  name: "card",
  summary: "import, list, show, export, lint, delete and restore character cards",
  usage: `Usage:
  taproom card import FILE... [--skip-bad]     copy card files (PNG, JSON, CharX) into your library;
                                               if any file is bad nothing is imported, unless --skip-bad
  taproom card list [--json]                   your cards and the bundled samples
  taproom card show NAME_OR_FILE [--json] [--model FILE]
                                               every field of a card (token counts with a model)
  taproom card export NAME_OR_FILE --format png|json|charx|v2json --out FILE
  taproom card lint FILE                       problems a card's author should fix
  taproom card delete NAME                     move a card of your library to the trash (its chats are kept)
  taproom card trash [--json]                  the deleted cards, the latest first
  taproom card restore NAME                    put a deleted card back (its chats find it again)

json is Character Card V3 JSON; v2json is V2 JSON (with V1 fields for old readers).`,
};

export const chatsHelp: CommandHelp = {
  name: "chats",
  summary: "list, import, export, rename and delete saved chats",
  usage: `Usage:
  taproom chats list [--json]                               saved chats, newest first
  taproom chats import FILE.jsonl [--character NAME] [--title TITLE]
                                                            import a SillyTavern chat
  taproom chats export NAME --format jsonl|json --out FILE  export a chat
  taproom chats rename NAME TITLE                           give a chat a new title
  taproom chats delete NAME                                 move a chat to the trash

NAME is a chat's id or title (or the start of one that names only one chat).`,
};

export const groupHelp: CommandHelp = {
  name: "group",
  summary: "make, change and delete groups of characters; SillyTavern group import and export",
  usage: `Usage:
  taproom group create NAME --members A,B[,C...] [--strategy natural|list|manual|pooled]
                            [--mode swap|join|join-muted] [--self-responses]
  taproom group list [--json]                       your groups, their members (muted marked)
  taproom group show NAME [--json]                  every setting, each member, the group's chats
  taproom group set NAME [--name NEW] [--strategy S] [--mode M] [--self-responses on|off]
                         [--add A,B] [--remove A] [--mute A,B] [--unmute A]
                         [--join-prefix TEXT] [--join-suffix TEXT]
                         [--scenario TEXT] [--lorebook BOOK]   (these two: the group's open chat)
  taproom group delete NAME --yes                   the group and its chats, to the trash
  taproom group import FILE.json [--chats DIR]      a SillyTavern group and its chats
  taproom group import-chat NAME FILE.jsonl         a SillyTavern group chat, as a new chat of the group
  taproom group export NAME --out DIR [--legacy-st] SillyTavern's layout: DIR/groups, DIR/group chats

Chat with a group: taproom chat --group NAME --message TEXT [--as MEMBER] [--json], or open it
from the home screen.

Strategies (who speaks after your message):
  natural  members you name, then each by a roll under its talkativeness, else one at random
  list     every member not muted, in list order
  manual   nobody until asked (--as, /speak, Alt+G); an empty send picks one at random
  pooled   one member who has not spoken since your last message
Modes (the card in the prompt):
  swap        the speaker's card alone; the prompt's start changes with each speaker, so the
              model re-reads it (slow on big chats with slow hardware)
  join        every member's card (muted ones left out), the same for every speaker: with a
              system prompt that names {{group}} rather than {{char}}, llama.cpp reuses the
              prompt across speakers (best for long chats); --join-prefix/--join-suffix wrap
              each member's part (<FIELDNAME> and {{char}} expand)
  join-muted  every member's card, muted ones too
Members are characters of your library, by id or name; a muted member speaks only when asked.`,
};

export const presetHelp: CommandHelp = {
  name: "preset",
  summary: "list, show and import sampler presets and prompt templates",
  usage: `Usage:
  taproom preset list [--json]                     sampler presets and imported prompt templates
  taproom preset show NAME [--json]                one preset's samplers, or one template's sequences
  taproom preset import FILE.json [--name NAME] [--replace]
                                                   save a SillyTavern preset: text-completion (samplers),
                                                   context template, instruct template, system prompt, or
                                                   a master export holding several

A chat uses its own preset, else the settings' defaultPreset; the chat's own sampler
overrides win over both. An imported context or instruct template is used by its name:
taproom chat/prompt --template NAME, /instruct NAME in a chat, or "template" in settings.json.
A context and an instruct template of the same name are one template. An import never
replaces another silently: a taken name gets a free one ("ChatML (2)"), unless --replace.`,
};

export const personaHelp: CommandHelp = {
  name: "persona",
  summary: "list, add, describe and choose the personas you play",
  usage: `Usage:
  taproom persona list [--json]                               your personas; * marks the default
  taproom persona set NAME [--description TEXT] [--default]   add one, or change its description
  taproom persona default NAME                                the persona new chats start with
  taproom persona delete NAME

Who you play: {{user}} is the persona's name and {{persona}} its description in the
prompt. In a chat, /persona NAME switches to one (saved with the chat).`,
};

export const loreHelp: CommandHelp = {
  name: "lore",
  summary: "import, list, export and test lorebooks (World Info)",
  usage: `Usage:
  taproom lore import FILE                      import World Info JSON, a character_book, or the book of a card (JSON, PNG, CharX)
  taproom lore list [--json]                    list your books, the samples, and the books inside cards
  taproom lore export NAME --format st|card --out FILE
  taproom lore test BOOK... (--text "..." | --chat FILE) [--json] [--context N] [--seed N] [--scan-depth N] [--model FILE]
                   [--character NAME] [--tag TAG]... [--generation normal|continue|impersonate|swipe|regenerate|quiet]
                                                show which entries fire, where, in which order, and why others did not
BOOK is a book name or a path to a lorebook file; several books are tested together, the first taking the
budget first (as a chat does: its own books, the character's, then the global ones). The World Info settings
in your settings file (worldInfo) apply; --scan-depth overrides theirs. --chat takes a SillyTavern JSONL chat or a JSON list of
messages ({name, mes} or {name, text}); messages are scanned newest first. Token costs come from the
model's tokenizer with --model, otherwise they are approximate (characters / 4). Entries limited to some
characters (characterFilter) are judged for --character and its --tag values, and not at all without
--character; entries limited to some generation types (triggers) are judged for --generation (default normal).`,
};

export const regexHelp: CommandHelp = {
  name: "regex",
  summary: "SillyTavern regex scripts: list, import, export, and allow a card's own",
  usage: `Usage:
  taproom regex list [--character NAME] [--json]     the global scripts (and a card's, with whether they run)
  taproom regex import FILE                          add the scripts of a SillyTavern regex export as global scripts
  taproom regex export NAME --out FILE [--character NAME]
                                                     write one script as SillyTavern's editor exports it
  taproom regex delete NAME                          remove a global script
  taproom regex allow CHARACTER                      let the card's own scripts run in its chats (remembered)
  taproom regex deny CHARACTER                       keep them off (the app stops asking)
A card's scripts come from whoever made the card: they run only once allowed here, with
taproom chat --allow-card-scripts, or when the app asks. Each match is stopped after 250 ms.`,
};

export const summaryHelp: CommandHelp = {
  name: "summary",
  summary: "show, edit or update a chat's running summary (long-term memory)",
  usage: `Usage: taproom summary --chat NAME [--set TEXT | --update --model FILE] [--json]

Shows the summary in use for the chat (SillyTavern's Summarize: kept on a message as
extra.memory, put in the prompt where settings.json's memory.position says).
  --set TEXT        replace it with your own text ("" clears it from the prompt)
  --update          write it now with the model (--model FILE), whatever the interval says
  --json            print the summary, the message holding it, and what was done
Automatic updates: memory.enabled true and memory.promptInterval N in settings.json.`,
};

export const fitHelp: CommandHelp = {
  name: "fit",
  summary: "which quant of a model fits this machine at reading speed (before downloading)",
  usage: `Usage: taproom fit --params SIZE | --model FILE | hf:USER/REPO [options]

Which quant of a model to download for a machine: the best quality that still runs at
reading speed, with its speed, quality loss and memory, and how every other quant would
run. With --params the shape is a current GQA model of that size (say which with --arch
or --kv-heads); with --model or hf: it is read from the GGUF header (for hf:, from the
first megabytes of one file).

Options:
  --params SIZE        parameter count: 7B, 13B, 70B, 1.5B, 350M
  --model FILE         a .gguf file: its shape, every common quant of it compared
  --arch ID            a known shape instead of the assumed one:
                       ${ARCHITECTURES.map((a) => a.id).join(", ")}
  --kv-heads N         KV heads of the shape (8 for current models, = heads for old ones)
  --context N          context you want (default 8192; capped at the model's train context)
  --min-speed N        reading-speed floor in tokens/s (default 8)
  --vram SIZE          GPU memory to plan for (default: this machine's), e.g. 12GB
  --ram SIZE           RAM to plan for (default: this machine's)
  --gpu TYPE           cuda | vulkan | metal | cpu
  --gpu-bandwidth N    GPU memory bandwidth in GB/s (default: by GPU name, else assumed)
  --ram-bandwidth N    RAM bandwidth in GB/s (default: assumed 60)
  --json               machine-readable output`,
};

export const planHelp: CommandHelp = {
  name: "plan",
  summary: "how a model would load here: GPU layers, context, threads, and why",
  usage: `Usage: taproom plan --model FILE [options]

How taproom would load a model on this machine (or another): GPU layers, context,
threads and flash attention, with the reasons and what to change. Loads nothing.

Options:
  --model FILE       the .gguf file (the first part of a split model)
  --context N        context you want (default 8192, capped at the model's train context)
  --gpu-layers N     layers to put on the GPU, fitting or not
  --threads N        CPU threads (default: from the cores)
  --vram SIZE        GPU memory to plan for (default: this machine's free VRAM), e.g. 24GB
  --ram SIZE         RAM to plan for (default: this machine's)
  --gpu TYPE         cuda | vulkan | metal | cpu
  --cores N          CPU cores to plan for (default: this machine's)
  --gpu-bandwidth N  GPU memory bandwidth in GB/s, for the speed estimate (default: by GPU name)
  --ram-bandwidth N  RAM bandwidth in GB/s (default: assumed 60)
  --json             machine-readable output
With --vram, --ram and --gpu all given, llama.cpp is not even loaded.`,
};

export const modelsHelp: CommandHelp = {
  name: "models",
  summary: "list the models in the library and whether each fits this machine",
  usage: `Usage: taproom models [options]

Lists the GGUF models in the models folder (and the folders listed in settings.json's
"modelFolders"), with what each is and whether it fits this machine.

Options:
  --models-dir DIR   the models folder (default: the data directory's models/)
  --vram SIZE        answer for this much GPU memory instead of this machine's
  --ram SIZE         answer for this much RAM
  --gpu TYPE         cuda | vulkan | metal | cpu
  --gpu-bandwidth N  GPU memory bandwidth in GB/s, for the speed estimate (default: by GPU name)
  --ram-bandwidth N  RAM bandwidth in GB/s (default: assumed 60)
  --json             machine-readable output
  --add-folder DIR   also look for models in DIR from now on (kept in settings.json)
  --remove-folder DIR  stop looking in DIR (its files stay)`,
};

export const pullHelp: CommandHelp = {
  name: "pull",
  summary: "download a GGUF model from Hugging Face (best quant for this machine)",
  usage: `Usage: taproom pull hf:USER/REPO[:QUANT] [options]

Downloads a GGUF model from Hugging Face into the models folder. Without :QUANT,
picks the best quality that still runs at reading speed on this machine with the
wanted context (the rule of taproom fit), reading the model's shape from the first
megabytes of one file.

Options:
  --dry-run           show the files and the choice, download nothing
  --context N         context you want to use (default 8192)
  --min-speed N       reading-speed floor in tokens/s (default 8)
  --vram SIZE         plan for this much GPU memory instead of this machine's (e.g. 12GB)
  --ram SIZE          plan for this much RAM
  --gpu TYPE          cuda | vulkan | metal | cpu
  --gpu-bandwidth N   GPU memory bandwidth in GB/s (default: by GPU name, else assumed)
  --ram-bandwidth N   RAM bandwidth in GB/s (default: assumed 60)
  --models-dir DIR    where models are kept (default: the data directory's models/)

Environment: HF_TOKEN for gated repositories, HF_ENDPOINT for another hub.
A dropped connection is resumed by itself (3 tries); Ctrl+C cancels, and running
the same command again resumes.`,
};

export const serveHelp: CommandHelp = {
  name: "serve",
  summary: "serve the model over HTTP (KoboldCpp, llama.cpp and OpenAI APIs) for SillyTavern and others",
  usage: `Usage: taproom serve --model FILE [--host 127.0.0.1] [--port 5001] [--api-key KEY] [--parallel N] [--cors ORIGIN] [options]

Serves the model over HTTP, sized by the same planner as the app, for SillyTavern and
other frontends (and for taproom --backend on another machine). It speaks:
  KoboldCpp   GET /api/v1/model, /api/v1/info/version, /api/extra/version, /api/v1/config/max_context_length,
              POST /api/v1/generate, /api/extra/generate/stream, /api/extra/tokencount, /api/extra/abort
  llama.cpp   POST /completion, /tokenize, /detokenize; GET /health, /props
  OpenAI      GET /v1/models; POST /v1/completions, /v1/chat/completions (the model's own chat template)
Each request reuses the longest prefix its sequence has cached; the log says what it reused.

Access:
  --host ADDR          address to listen on (default 127.0.0.1: this machine only; reach it over an
                       SSH tunnel: ssh -N -L 5001:127.0.0.1:5001 you@gpu-box)
  --port N             port (default 5001, KoboldCpp's; 0 picks a free one)
  --api-key KEY        required from clients ("Authorization: Bearer KEY" or "x-api-key: KEY");
                       needed for any address but loopback. TAPROOM_API_KEY works too (keeps it out of ps)
  --cors ORIGIN        let browser pages from ORIGIN call it (repeatable; * for any)
  --allow-host NAME    accept this Host name on loopback (a reverse proxy's; repeatable)
  --max-body SIZE      largest request body (default 8MiB)
Serving:
  --parallel N         sequences generating side by side, the context shared between them (default 1)
  --queue N            requests that may wait for a sequence (default 16; more get 503)
  --alias NAME         the model name clients see (default: the file name without .gguf)
  --verbose            show prompts in /completion answers and the log
Runtime:
  --gpu auto|cuda|vulkan|metal|cpu  --gpu-layers N  --context N  --threads N
`,
};
