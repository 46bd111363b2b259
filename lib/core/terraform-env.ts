import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "./paths";
import { writeFileAtomic } from "./files";

/** Environment variable naming a Terraform provider mirror directory (holding registry.terraform.io/hashicorp/aws). */
export const MIRROR_ENV = "PEERING_PROVIDER_MIRROR";
/** The provider the app is generated for; the mirror must hold this version. */
export const AWS_PROVIDER = { host: "registry.terraform.io", namespace: "hashicorp", type: "aws", version: "5.100.0" };

/**
 * The provider lock file committed with the project: hashicorp/aws 5.100.0 with the h1 hash of
 * the linux_amd64 package and the zh hashes of every platform's release zip. PeeringApp copies it
 * into every stack directory, so `terraform init` there refuses a provider binary that is not
 * HashiCorp's, wherever it was installed from.
 */
export const PROVIDER_LOCK_FILE = path.join(PROJECT_ROOT, ".terraform.lock.hcl");

/**
 * The build machines' system-wide provider mirror. It is searched after Terraform's own implied
 * mirror directories; docs/terraform-and-state.md documents it.
 */
export const BUILD_MACHINE_MIRROR = "/opt/tf-plugins";

const PROVIDER_DIR = path.join(AWS_PROVIDER.host, AWS_PROVIDER.namespace, AWS_PROVIDER.type);

/** Terraform's name for this machine's platform, e.g. "linux_amd64". */
export function terraformPlatform(): string {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const arch =
    ({ x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm" } as Record<string, string>)[process.arch] ?? process.arch;
  return `${os}_${arch}`;
}

function holdsAwsProvider(dir: string): boolean {
  return fs.existsSync(path.join(dir, PROVIDER_DIR, AWS_PROVIDER.version));
}

/** Terraform's implied local mirror directories on Unix (see "Implied Local Mirror Directories" in the CLI docs). */
function impliedMirrorDirs(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? os.homedir();
  const dataHome = env.XDG_DATA_HOME || path.join(home, ".local", "share");
  const dataDirs = (env.XDG_DATA_DIRS || "/usr/local/share:/usr/share").split(":").filter(Boolean);
  return [
    path.join(home, ".terraform.d", "plugins"),
    ...[dataHome, ...dataDirs].map((d) => path.join(d, "terraform", "plugins")),
  ];
}

/**
 * Why Terraform should not run a provider from `dir`, or undefined when only root and the current
 * user can change what is there: the directory, its ancestors and the provider's directories
 * below it must not be writable by every user (an ancestor with the sticky bit, like /tmp, is
 * fine: nobody else can replace what it holds) nor belong to another user.
 */
export function unsafeMirrorReason(dir: string, uid = process.getuid?.() ?? 0): string | undefined {
  const provider = path.join(PROVIDER_DIR, AWS_PROVIDER.version, terraformPlatform());
  const below = provider.split(path.sep).map((_, i, parts) => path.join(dir, ...parts.slice(0, i + 1)));
  let real: string;
  try {
    real = fs.realpathSync(dir);
  } catch {
    return "does not exist";
  }
  const chain = (p: string): string[] => (path.dirname(p) === p ? [p] : [p, ...chain(path.dirname(p))]);
  const checked = new Set<string>();
  for (const [p, isAncestor] of [
    ...[...chain(path.resolve(dir)), ...chain(real)].map((p) => [p, p !== path.resolve(dir) && p !== real] as const),
    ...below.map((p) => [p, false] as const),
  ]) {
    if (checked.has(p)) continue;
    checked.add(p);
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      continue;
    }
    if (st.mode & 0o002 && !(isAncestor && st.mode & 0o1000)) return `${p} is writable by every user`;
    if (st.uid !== 0 && st.uid !== uid) return `${p} belongs to another user (uid ${st.uid})`;
  }
  return undefined;
}

/** The outcome of looking for a provider mirror: the one found, and the candidates refused on the way, with why. */
export interface MirrorSearch {
  /** A safe filesystem mirror holding hashicorp/aws 5.100.0. */
  readonly mirror?: string;
  /** Candidates that hold the provider but were not used, e.g. "/tmp/m: /tmp/m is writable by every user". */
  readonly refused: readonly string[];
}

/**
 * Looks for a filesystem mirror holding hashicorp/aws 5.100.0 in fixed places only: the
 * directory PEERING_PROVIDER_MIRROR names, else Terraform's implied mirror directories, else the
 * build machines' mirror (BUILD_MACHINE_MIRROR). A candidate that another local user could
 * change is refused, never used.
 */
export function searchProviderMirror(env: NodeJS.ProcessEnv = process.env): MirrorSearch {
  const named = env[MIRROR_ENV];
  const candidates = named ? [named] : [...impliedMirrorDirs(env), BUILD_MACHINE_MIRROR];
  const refused: string[] = [];
  for (const dir of candidates) {
    if (!holdsAwsProvider(dir)) continue;
    const unsafe = unsafeMirrorReason(dir);
    if (!unsafe) return { mirror: dir, refused };
    refused.push(`${dir}: ${unsafe}`);
  }
  return { refused };
}

/** The provider mirror searchProviderMirror finds, or undefined when there is no safe one. */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return searchProviderMirror(env).mirror;
}

/** A Terraform CLI config that installs hashicorp/aws from `mirror` and everything else as usual. */
export function cliConfigFor(mirror: string | undefined): string {
  if (!mirror) return "";
  const provider = `${AWS_PROVIDER.host}/${AWS_PROVIDER.namespace}/${AWS_PROVIDER.type}`;
  return [
    "provider_installation {",
    "  filesystem_mirror {",
    `    path    = ${JSON.stringify(mirror)}`,
    `    include = [${JSON.stringify(provider)}]`,
    "  }",
    "  direct {",
    `    exclude = [${JSON.stringify(provider)}]`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * The environment to run terraform or cdktf in. It turns off HashiCorp's update check unless
 * the user set CHECKPOINT_DISABLE, and when TF_CLI_CONFIG_FILE names a file that does not exist
 * (which makes cdktf fail to read `terraform version`), it points it at a CLI config written
 * under `stateDir` that uses the local provider mirror if one is found. A CLI config file the user
 * actually has is never touched.
 */
export function terraformEnv(env: NodeJS.ProcessEnv, stateDir: string): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = { CHECKPOINT_DISABLE: "1", ...env };
  const named = env.TF_CLI_CONFIG_FILE;
  if (named && !fs.existsSync(named)) {
    const file = path.join(stateDir, "terraform.rc");
    fs.mkdirSync(stateDir, { recursive: true });
    writeFileAtomic(file, cliConfigFor(findProviderMirror(env)));
    result.TF_CLI_CONFIG_FILE = file;
  }
  return result;
}
