import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AWS_PROVIDER, cliConfigFor, findProviderMirror, MIRROR_ENV, terraformEnv } from "../lib/terraform-env";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-env-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function makeMirror(at: string): string {
  fs.mkdirSync(path.join(at, AWS_PROVIDER.host, AWS_PROVIDER.namespace, AWS_PROVIDER.type, AWS_PROVIDER.version), { recursive: true });
  return at;
}

const isolated = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ HOME: path.join(dir, "home"), XDG_DATA_DIRS: path.join(dir, "share"), ...extra });

describe("findProviderMirror", () => {
  it("uses the directory PEERING_PROVIDER_MIRROR names", () => {
    const mirror = makeMirror(path.join(dir, "named"));
    expect(findProviderMirror(isolated({ [MIRROR_ENV]: mirror }), path.join(dir, "empty-root"))).toBe(mirror);
  });

  it("returns nothing when the named directory lacks the provider, rather than guessing another", () => {
    makeMirror(path.join(dir, "root", "tools", "plugins"));
    expect(findProviderMirror(isolated({ [MIRROR_ENV]: path.join(dir, "nothing") }), path.join(dir, "root"))).toBeUndefined();
  });

  it("finds Terraform's implied mirror in the user's ~/.terraform.d/plugins", () => {
    const mirror = makeMirror(path.join(dir, "home", ".terraform.d", "plugins"));
    expect(findProviderMirror(isolated(), path.join(dir, "empty-root"))).toBe(mirror);
  });

  it("finds a mirror two levels below the filesystem root", () => {
    const mirror = makeMirror(path.join(dir, "root", "tools", "plugins"));
    expect(findProviderMirror(isolated(), path.join(dir, "root"))).toBe(mirror);
  });

  it("returns nothing when there is no mirror", () => {
    expect(findProviderMirror(isolated(), path.join(dir, "root"))).toBeUndefined();
  });
});

describe("terraformEnv", () => {
  it("replaces a TF_CLI_CONFIG_FILE that does not exist with one that installs aws from the mirror", () => {
    const mirror = makeMirror(path.join(dir, "mirror"));
    const env = terraformEnv(isolated({ TF_CLI_CONFIG_FILE: path.join(dir, "missing.rc"), [MIRROR_ENV]: mirror }), path.join(dir, "state"));
    expect(env.TF_CLI_CONFIG_FILE).toBe(path.join(dir, "state", "terraform.rc"));
    const rc = fs.readFileSync(env.TF_CLI_CONFIG_FILE!, "utf8");
    expect(rc).toContain(`path    = ${JSON.stringify(mirror)}`);
    expect(rc).toContain('include = ["registry.terraform.io/hashicorp/aws"]');
  });

  it("leaves a user's own CLI config file alone", () => {
    const own = path.join(dir, "own.rc");
    fs.writeFileSync(own, "plugin_cache_dir = \"/tmp\"\n");
    const env = terraformEnv(isolated({ TF_CLI_CONFIG_FILE: own }), path.join(dir, "state"));
    expect(env.TF_CLI_CONFIG_FILE).toBe(own);
    expect(fs.existsSync(path.join(dir, "state"))).toBe(false);
  });

  it("leaves an unset TF_CLI_CONFIG_FILE unset", () => {
    expect(terraformEnv(isolated(), path.join(dir, "state")).TF_CLI_CONFIG_FILE).toBeUndefined();
  });

  it("turns HashiCorp's update check off unless the user chose otherwise", () => {
    expect(terraformEnv(isolated(), dir).CHECKPOINT_DISABLE).toBe("1");
    expect(terraformEnv(isolated({ CHECKPOINT_DISABLE: "" }), dir).CHECKPOINT_DISABLE).toBe("");
  });

  it("writes an empty CLI config when there is no mirror, so Terraform falls back to its defaults", () => {
    expect(cliConfigFor(undefined)).toBe("");
  });
});
