import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  AWS_PROVIDER,
  BUILD_MACHINE_MIRROR,
  cliConfigFor,
  findProviderMirror,
  MIRROR_ENV,
  searchProviderMirror,
  terraformEnv,
  terraformPlatform,
} from "../lib/core/terraform-env";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-env-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function makeMirror(at: string): string {
  fs.mkdirSync(providerDir(at), { recursive: true, mode: 0o755 });
  return at;
}

function providerDir(mirror: string): string {
  return path.join(
    mirror,
    AWS_PROVIDER.host,
    AWS_PROVIDER.namespace,
    AWS_PROVIDER.type,
    AWS_PROVIDER.version,
    terraformPlatform(),
  );
}

const isolated = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  HOME: path.join(dir, "home"),
  XDG_DATA_DIRS: path.join(dir, "share"),
  ...extra,
});

describe("findProviderMirror", () => {
  it("uses the directory PEERING_PROVIDER_MIRROR names", () => {
    const mirror = makeMirror(path.join(dir, "named"));
    expect(findProviderMirror(isolated({ [MIRROR_ENV]: mirror }))).toBe(mirror);
  });

  it("returns nothing when the named directory lacks the provider, rather than guessing another", () => {
    makeMirror(path.join(dir, "home", ".terraform.d", "plugins"));
    expect(findProviderMirror(isolated({ [MIRROR_ENV]: path.join(dir, "nothing") }))).toBeUndefined();
  });

  it("finds Terraform's implied mirror in the user's ~/.terraform.d/plugins", () => {
    const mirror = makeMirror(path.join(dir, "home", ".terraform.d", "plugins"));
    expect(findProviderMirror(isolated())).toBe(mirror);
  });

  it("finds a mirror in the XDG data directories Terraform searches", () => {
    const mirror = makeMirror(path.join(dir, "share", "terraform", "plugins"));
    expect(findProviderMirror(isolated())).toBe(mirror);
  });

  it(`falls back to the build machines' ${BUILD_MACHINE_MIRROR} only, never to a directory it happens to find`, () => {
    makeMirror(path.join(dir, "tools", "plugins"));
    const found = findProviderMirror(isolated());
    expect([undefined, BUILD_MACHINE_MIRROR]).toContain(found);
  });

  it.each([
    ["the mirror directory", (mirror: string) => mirror, 0o777, "is writable by every user"],
    [
      "a directory above it without the sticky bit",
      (mirror: string) => path.dirname(mirror),
      0o777,
      "is writable by every user",
    ],
    [
      "the provider's version directory",
      (mirror: string) => path.dirname(providerDir(mirror)),
      0o777,
      "is writable by every user",
    ],
    [
      "the provider's platform directory, even with the sticky bit",
      (mirror: string) => providerDir(mirror),
      0o1777,
      "is writable by every user",
    ],
  ])("refuses a mirror when %s is writable by every user", (_, which, mode, reason) => {
    const mirror = makeMirror(path.join(dir, "parent", "mirror"));
    fs.chmodSync(which(mirror), mode);
    const search = searchProviderMirror(isolated({ [MIRROR_ENV]: mirror }));
    expect(search.mirror).toBeUndefined();
    expect(search.refused).toEqual([`${mirror}: ${which(mirror)} ${reason}`]);
  });

  it("accepts a mirror below a sticky world-writable directory such as /tmp, where nobody else can replace it", () => {
    const sticky = path.join(dir, "sticky");
    fs.mkdirSync(sticky);
    fs.chmodSync(sticky, 0o1777);
    const mirror = makeMirror(path.join(sticky, "mirror"));
    expect(findProviderMirror(isolated({ [MIRROR_ENV]: mirror }))).toBe(mirror);
  });

  it("refuses a mirror that belongs to another user", () => {
    const mirror = makeMirror(path.join(dir, "theirs"));
    fs.chownSync(mirror, 4242, 4242);
    expect(searchProviderMirror(isolated({ [MIRROR_ENV]: mirror })).refused).toEqual([
      `${mirror}: ${mirror} belongs to another user (uid 4242)`,
    ]);
  });

  it("refuses a world-writable implied mirror and takes the next safe one", () => {
    const unsafe = makeMirror(path.join(dir, "home", ".terraform.d", "plugins"));
    fs.chmodSync(unsafe, 0o777);
    const safe = makeMirror(path.join(dir, "share", "terraform", "plugins"));
    expect(searchProviderMirror(isolated())).toEqual({
      mirror: safe,
      refused: [`${unsafe}: ${unsafe} is writable by every user`],
    });
  });
});

describe("terraformEnv", () => {
  it("replaces a TF_CLI_CONFIG_FILE that does not exist with one that installs aws from the mirror", () => {
    const mirror = makeMirror(path.join(dir, "mirror"));
    const env = terraformEnv(
      isolated({ TF_CLI_CONFIG_FILE: path.join(dir, "missing.rc"), [MIRROR_ENV]: mirror }),
      path.join(dir, "state"),
    );
    expect(env.TF_CLI_CONFIG_FILE).toBe(path.join(dir, "state", "terraform.rc"));
    const rc = fs.readFileSync(env.TF_CLI_CONFIG_FILE!, "utf8");
    expect(rc).toContain(`path    = ${JSON.stringify(mirror)}`);
    expect(rc).toContain('include = ["registry.terraform.io/hashicorp/aws"]');
  });

  it("leaves a user's own CLI config file alone", () => {
    const own = path.join(dir, "own.rc");
    fs.writeFileSync(own, 'plugin_cache_dir = "/tmp"\n');
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
