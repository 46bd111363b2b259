/**
 * A local AWS API emulator for rehearsing deploys: moto's server on 127.0.0.1 at a free port, and
 * the environment every process talking to it runs with. Nothing it starts can touch a real
 * account: the only credentials are fake ones set here, every AWS endpoint is a loopback address,
 * instance metadata is off, and HTTP(S) proxies point at a loopback sinkhole that refuses and
 * records any request that would have left the machine. `checkEmulatorEnv` enforces the first
 * three on every environment before a process is started with it.
 *
 * moto_server runs under a small shell watchdog that stops it when the harness's process ends,
 * however it ends (a failed test, Ctrl-C, a crash): the watchdog waits on a pipe from this process.
 */
import { ChildProcess, spawn } from "child_process";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import { findMotoServer, MOTO_SERVER_ENV, MOTO_VERSION, venvCommands } from "./prerequisites";
import { startLoopbackServer } from "./loopback-server";

/** The only credentials an emulated process gets; moto accepts any. */
export const EMULATOR_CREDENTIALS = {
  accessKeyId: "peering-emulator-fake-key",
  secretAccessKey: "peering-emulator-fake-secret",
} as const;

/** How to get moto's server: `npm run test:all` installs it (as root), or the commands it runs. */
export const MOTO_INSTALL_HINT = `run npm run test:all as root, which installs moto ${MOTO_VERSION} into .venv/, or run ${venvCommands().join(" && ")}`;

/**
 * moto's own settings: without MOTO_IAM_LOAD_MANAGED_POLICIES it knows no AWS managed policy, and
 * attaching AmazonSSMManagedInstanceCore fails with NoSuchEntity.
 */
const MOTO_ENV = { MOTO_IAM_LOAD_MANAGED_POLICIES: "true" } as const;

/** Environment variables naming credential sources other than the fake keys. */
const OTHER_CREDENTIAL_SOURCES = [
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN",
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/** Thrown when an environment could reach a real AWS account; the message lists every reason. */
export class EmulatorSafetyError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Refusing to run against anything but the local emulator:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "EmulatorSafetyError";
  }
}

/** Whether `host` (a URL's hostname) is a loopback IP literal: 127.0.0.0/8 or ::1. Names such as localhost are not trusted. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1");
  if (net.isIPv4(bare)) return bare.split(".")[0] === "127";
  return net.isIPv6(bare) && /^(0{0,4}:){2,7}0{0,3}1$|^::1$/.test(bare);
}

/** Whether a variable names an AWS endpoint: AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, or a legacy AWS_<SERVICE>_ENDPOINT. */
function isEndpointVariable(name: string): boolean {
  return /^AWS_ENDPOINT_URL(_\w+)?$/.test(name) || /^AWS_\w+_ENDPOINT$/.test(name);
}

function loopbackUrlProblem(name: string, value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${name}="${value}" is not a URL: it must be http://127.0.0.1:PORT`;
  }
  if (!["http:", "https:"].includes(url.protocol)) return `${name}="${value}" is not an http(s) URL`;
  if (!isLoopbackHost(url.hostname))
    return `${name}="${value}" is not a loopback address: only 127.0.0.0/8 and ::1 are allowed`;
  return undefined;
}

/**
 * Every reason `env` could reach a real AWS account: credentials other than EMULATOR_CREDENTIALS
 * (or another credential source), an AWS endpoint that is not a loopback address (or none at all),
 * SDKs told to ignore the endpoint variables, instance metadata lookups left on, or a proxy off the
 * machine. Empty when the environment is safe.
 */
export function emulatorEnvProblems(env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  if (
    env.AWS_ACCESS_KEY_ID !== EMULATOR_CREDENTIALS.accessKeyId ||
    env.AWS_SECRET_ACCESS_KEY !== EMULATOR_CREDENTIALS.secretAccessKey
  ) {
    problems.push(
      `AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be the harness's fake credentials ("${EMULATOR_CREDENTIALS.accessKeyId}")`,
    );
  }
  for (const name of OTHER_CREDENTIAL_SOURCES) {
    if (env[name] !== undefined) problems.push(`${name} is set: no credential source but the fake keys is allowed`);
  }
  for (const name of ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"]) {
    if (env[name] !== os.devNull) problems.push(`${name} must be ${os.devNull}, so no profile of this machine is read`);
  }
  if (env.AWS_EC2_METADATA_DISABLED !== "true")
    problems.push("AWS_EC2_METADATA_DISABLED must be true, so no instance metadata lookup leaves the process");
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS !== undefined)
    problems.push("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is set: the SDKs would ignore the emulator's endpoint");
  if (!env.AWS_ENDPOINT_URL) problems.push("AWS_ENDPOINT_URL is not set: every AWS call must go to the emulator");
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const proxy = /^(https?|all)_proxy$/i.test(name);
    if (isEndpointVariable(name) || proxy) {
      const problem = loopbackUrlProblem(name, value);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

/** Throws EmulatorSafetyError unless `env` is safe (see emulatorEnvProblems); returns it otherwise. */
export function checkEmulatorEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const problems = emulatorEnvProblems(env);
  if (problems.length > 0) throw new EmulatorSafetyError(problems);
  return env;
}

/**
 * The environment of a process that talks to the emulator at `endpoint`: `base` without any AWS_*
 * or proxy variable, plus the fake credentials, the endpoint, the region (AWS_REGION for the SDKs
 * and Terraform, AWS_DEFAULT_REGION for boto-style clients), no profile files, no instance
 * metadata, and HTTP(S) proxies pointing at `sinkhole` (loopback requests bypass it).
 */
export function emulatorEnv(
  base: NodeJS.ProcessEnv,
  endpoint: string,
  region: string,
  sinkhole: string,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(base)) {
    if (!name.startsWith("AWS_") && !/^(https?|all|no)_proxy$/i.test(name)) env[name] = value;
  }
  const noProxy = "127.0.0.1,::1,localhost";
  return {
    ...env,
    AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_CONFIG_FILE: os.devNull,
    AWS_SHARED_CREDENTIALS_FILE: os.devNull,
    AWS_EC2_METADATA_DISABLED: "true",
    HTTP_PROXY: sinkhole,
    HTTPS_PROXY: sinkhole,
    http_proxy: sinkhole,
    https_proxy: sinkhole,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    CHECKPOINT_DISABLE: "1",
    npm_config_update_notifier: "false",
  };
}

/** A running emulator. */
export interface Emulator {
  /** e.g. "http://127.0.0.1:41234" */
  readonly endpoint: string;
  /** The region processes and clients are told to use. */
  readonly region: string;
  /** Configuration for AWS SDK v3 clients in this process: the endpoint, the region and the fake credentials. */
  readonly clientConfig: {
    readonly endpoint: string;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** The environment for a child process (checked by checkEmulatorEnv); `extra` may add or override variables. */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** Requests that reached the proxy sinkhole, i.e. tried to leave the machine ("CONNECT host:port" or "GET url"). */
  escapes(): readonly string[];
  /** The end of moto_server's output, for failure messages. */
  log(): string;
  /** moto_server's first lines about failures (5xx answers, tracebacks, errors), however long its output grew since. */
  failures(): readonly string[];
  /** Stops moto_server and the sinkhole; safe to call twice. */
  stop(): Promise<void>;
}

/** How to start the emulator. */
export interface EmulatorOptions {
  /** Region for processes and clients. */
  readonly region: string;
  /**
   * The environment to start from (AWS_* variables are dropped).
   * @default process.env
   */
  readonly baseEnv?: NodeJS.ProcessEnv;
  /**
   * The project's Python environment, searched for moto_server after PEERING_MOTO_SERVER and before PATH.
   * @default the project's .venv
   */
  readonly venv?: string;
  /**
   * How long moto_server may take to answer.
   * @default 60000
   */
  readonly startTimeoutMs?: number;
}

const LOG_LIMIT = 20_000;

/** Starts moto_server on 127.0.0.1 at a free port and waits until it answers; fails with install instructions when it is missing. */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  const baseEnv = options.baseEnv ?? process.env;
  const moto = findMotoServer(baseEnv, options.venv)?.path;
  if (!moto) {
    const where = baseEnv[MOTO_SERVER_ENV]
      ? `${MOTO_SERVER_ENV} (${baseEnv[MOTO_SERVER_ENV]}) names no executable`
      : "moto_server is not in .venv/bin or on PATH";
    throw new Error(`${where}, so there is no AWS API emulator to deploy to: ${MOTO_INSTALL_HINT}`);
  }
  const sinkhole = await startSinkhole();
  try {
    let lastError: Error | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      try {
        const server = await startMoto(moto, port, baseEnv, options.startTimeoutMs ?? 60_000);
        return emulatorFor(server, port, options.region, baseEnv, sinkhole);
      } catch (e) {
        lastError = e as Error;
        // Another process may have taken the port between our probe and moto's bind: try another.
        if (!(e instanceof PortTakenError)) break;
      }
    }
    throw lastError!;
  } catch (e) {
    await sinkhole.close();
    throw e;
  }
}

interface MotoServer {
  readonly process: ChildProcess;
  readonly log: () => string;
  readonly failures: () => readonly string[];
  readonly exited: Promise<void>;
}

/**
 * A moto_server line that tells of a failure: a 5xx answer in werkzeug's request log, a traceback, an exception.
 * Which of them are the emulator's own faults: EMULATOR_FAULTS in emulator-faults.ts.
 */
export const FAILURE_LINE = /" 5\d\d |Traceback|Error|Exception/;
const FAILURES_KEPT = 20;

/**
 * What moto_server printed: the end of its output (at most `limit` characters) and its first failure lines,
 * however long the output grew since; lines are told apart across chunks.
 */
export class MotoLog {
  private output = "";
  private partial = "";
  private readonly found: string[] = [];

  constructor(private readonly limit = LOG_LIMIT) {}

  /** Takes the next chunk of output. */
  add(text: string): void {
    this.output = (this.output + text).slice(-this.limit);
    const lines = (this.partial + text).split("\n");
    this.partial = lines.pop()!.slice(-this.limit);
    for (const line of lines)
      if (this.found.length < FAILURES_KEPT && FAILURE_LINE.test(line)) this.found.push(line.trim());
  }

  /** The end of the output. */
  text(): string {
    return this.output;
  }

  /** The first failure lines, in order. */
  failures(): string[] {
    return [...this.found];
  }
}

class PortTakenError extends Error {}

/**
 * The watchdog: runs moto_server in the background and kills it when stdin (a pipe from the
 * harness) closes, which happens when the harness stops it or its process ends for any reason.
 * The shell exits when moto_server does.
 */
const WATCHDOG = `
exec 3<&0
"$@" </dev/null 3<&- & moto=$!
{ read -r _ <&3 || :; kill "$moto" 2>/dev/null; } &
exec 3<&-
wait "$moto"
`;

async function startMoto(
  moto: string,
  port: number,
  baseEnv: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<MotoServer> {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(baseEnv))
    if (!name.startsWith("AWS_") && !name.startsWith("MOTO_")) env[name] = value;
  const child = spawn("sh", ["-c", WATCHDOG, "moto-watchdog", moto, "-H", "127.0.0.1", "-p", String(port)], {
    env: { ...env, ...MOTO_ENV },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const log = new MotoLog();
  const keep = (d: Buffer): void => log.add(d.toString());
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on("exit", (code) => {
      exitCode = code;
      resolve();
    }),
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const output = log.text();
    if (exitCode !== undefined) {
      child.stdin!.end();
      if (/Address already in use/i.test(output)) throw new PortTakenError(`port ${port} is taken`);
      throw new Error(
        `moto_server exited (code ${exitCode}) before answering on ${endpoint}; ${MOTO_INSTALL_HINT}\n${output.trim()}`,
      );
    }
    // Our moto_server owns the port once it says it runs there; only then is an answer its own.
    if (output.includes(`Running on ${endpoint}`) && (await answers(`${endpoint}/moto-api/`)))
      return { process: child, log: () => log.text(), failures: () => log.failures(), exited };
    if (Date.now() > deadline) {
      child.stdin!.end();
      await Promise.race([exited, sleep(5_000)]);
      throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs / 1000} s\n${output.trim()}`);
    }
    await sleep(200);
  }
}

function emulatorFor(
  server: MotoServer,
  port: number,
  region: string,
  baseEnv: NodeJS.ProcessEnv,
  sinkhole: Sinkhole,
): Emulator {
  const endpoint = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    region,
    clientConfig: { endpoint, region, credentials: { ...EMULATOR_CREDENTIALS } },
    env: (extra = {}) => checkEmulatorEnv({ ...emulatorEnv(baseEnv, endpoint, region, sinkhole.url), ...extra }),
    escapes: () => [...sinkhole.requests],
    log: server.log,
    failures: server.failures,
    stop: () => {
      stopping ??= (async () => {
        server.process.stdin!.end();
        const stopped = await Promise.race([server.exited.then(() => true), sleep(10_000).then(() => false)]);
        if (!stopped) server.process.kill("SIGKILL");
        await sinkhole.close();
      })();
      return stopping;
    },
  };
}

interface Sinkhole {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

/** An HTTP proxy on loopback that refuses every request (403) and remembers what was asked for. */
async function startSinkhole(): Promise<Sinkhole> {
  const requests: string[] = [];
  const sinkhole = await startLoopbackServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res
      .writeHead(403, { "content-type": "text/plain" })
      .end("the emulator deploy tests allow no traffic off this machine\n");
  });
  sinkhole.server.on("connect", (req: http.IncomingMessage, socket: net.Socket) => {
    requests.push(`CONNECT ${req.url}`);
    socket.end("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
  });
  return { url: sinkhole.url, requests, close: sinkhole.close };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** A pause that does not keep the process alive by itself (it also bounds waits in races). */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
