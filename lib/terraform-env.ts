import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Environment variable naming a Terraform provider mirror directory (holding registry.terraform.io/hashicorp/aws). */
export const MIRROR_ENV = "PEERING_PROVIDER_MIRROR";
/** The provider the app is generated for; the mirror must hold this version. */
export const AWS_PROVIDER = { host: "registry.terraform.io", namespace: "hashicorp", type: "aws", version: "5.100.0" };

const PROVIDER_DIR = path.join(AWS_PROVIDER.host, AWS_PROVIDER.namespace, AWS_PROVIDER.type);

function holdsAwsProvider(dir: string): boolean {
  return fs.existsSync(path.join(dir, PROVIDER_DIR, AWS_PROVIDER.version));
}

/** Terraform's implied local mirror directories on Unix (see "Implied Local Mirror Directories" in the CLI docs). */
function impliedMirrorDirs(env: NodeJS.ProcessEnv): string[] {
  const home = env.HOME ?? os.homedir();
  const dataHome = env.XDG_DATA_HOME || path.join(home, ".local", "share");
  const dataDirs = (env.XDG_DATA_DIRS || "/usr/local/share:/usr/share").split(":").filter(Boolean);
  return [path.join(home, ".terraform.d", "plugins"), ...[dataHome, ...dataDirs].map((d) => path.join(d, "terraform", "plugins"))];
}

/** Directories one or two levels below the filesystem root, where tool images tend to park plugin mirrors. */
function shallowDirs(root: string): string[] {
  const children = (dir: string): string[] => {
    try {
      return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !["proc", "sys", "dev", "node_modules"].includes(e.name))
        .map((e) => path.join(dir, e.name));
    } catch {
      return [];
    }
  };
  return children(root).flatMap((d) => [d, ...children(d)]);
}

/**
 * Finds a filesystem mirror holding hashicorp/aws 5.100.0: the directory named by
 * PEERING_PROVIDER_MIRROR, else Terraform's implied mirror directories, else a shallow
 * look below the filesystem root. Returns undefined when there is none.
 */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env, root = path.parse(process.cwd()).root): string | undefined {
  const named = env[MIRROR_ENV];
  if (named) return holdsAwsProvider(named) ? named : undefined;
  return [...impliedMirrorDirs(env), ...shallowDirs(root)].find(holdsAwsProvider);
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
    fs.writeFileSync(file, cliConfigFor(findProviderMirror(env)));
    result.TF_CLI_CONFIG_FILE = file;
  }
  return result;
}
