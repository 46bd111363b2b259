/**
 * The survey `npm run test:all` makes before any test: what it finds missing on a described
 * machine, what it would install and how, and which moto_server the emulator deploy tests uses.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  findMotoServer,
  formatSurvey,
  installCommands,
  installPlan,
  motoVersion,
  type MotoServer,
  type Probe,
  surveyPrerequisites,
} from "../test-support/prerequisites";

/** A machine with everything the tests need; `changes` takes parts away. */
function machine(changes: Partial<Probe> & { readonly without?: readonly string[] } = {}): Probe {
  const { without = [], ...rest } = changes;
  const moto: MotoServer = { path: "/usr/local/bin/moto_server", source: "path", version: "5.2.1" };
  return {
    nodeVersion: "20.20.2",
    uid: 0,
    which: (tool) => (without.includes(tool) ? undefined : `/usr/bin/${tool}`),
    terraformVersion: () => "1.11.4",
    providerMirror: () => ({ mirror: "/srv/terraform-mirror", refused: [] }),
    motoServer: () => moto,
    ...rest,
  };
}

const missingNames = (probe: Probe) =>
  surveyPrerequisites(probe)
    .filter((p) => p.problem !== undefined)
    .map((p) => p.name);

describe("the prerequisite survey", () => {
  it("finds nothing missing on a machine that has everything, so nothing is installed", () => {
    const survey = surveyPrerequisites(machine());
    expect(survey.filter((p) => p.problem !== undefined)).toEqual([]);
    expect(installPlan(survey, true)).toEqual({ apt: [], venv: false, blocked: [] });
    expect(formatSurvey(survey)).not.toContain("✗");
  });

  it.each<[string, Partial<Probe> & { readonly without?: readonly string[] }, string]>([
    ["an old Node.js", { nodeVersion: "18.19.0" }, "Node.js"],
    ["no terraform", { terraformVersion: () => undefined }, "Terraform"],
    ["Terraform 1.9", { terraformVersion: () => "1.9.8" }, "Terraform"],
    ["no provider mirror", { providerMirror: () => ({ refused: [] }) }, "hashicorp/aws 5.100.0 provider mirror"],
    ["a user who is not root", { uid: 1000 }, "root"],
    ["no ping", { without: ["ping"] }, "ping"],
    ["no nft", { without: ["nft"] }, "nft"],
    ["no Chromium", { without: ["chromium"] }, "chromium"],
    ["no moto_server", { motoServer: () => undefined }, "moto_server 5.2.1"],
    [
      "moto 4.2.0",
      { motoServer: () => ({ path: "/x/moto_server", source: "path", version: "4.2.0" }) },
      "moto_server 5.2.1",
    ],
  ])("names what is missing on a machine with %s", (_, changes, name) => {
    expect(missingNames(machine(changes))).toEqual([name]);
  });

  it("says why a refused provider mirror was refused", () => {
    const [mirror] = surveyPrerequisites(
      machine({ providerMirror: () => ({ refused: ["/tmp/m: /tmp/m is writable by every user"] }) }),
    ).filter((p) => p.problem !== undefined);
    expect(mirror.problem).toBe("refused: /tmp/m: /tmp/m is writable by every user");
  });

  it("installs Debian packages with apt and moto into the venv as root, and blocks on nothing it can install", () => {
    const plan = installPlan(
      surveyPrerequisites(machine({ without: ["ping", "nft", "chromium"], motoServer: () => undefined })),
      true,
    );
    expect(plan).toEqual({ apt: ["iputils-ping", "nftables", "chromium"], venv: true, blocked: [] });
    expect(installCommands(plan)).toEqual([
      "apt-get update",
      "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends iputils-ping nftables chromium",
      "python3 -m venv .venv",
      ".venv/bin/python -m pip install --no-deps --require-virtualenv -r requirements/moto-server.txt",
    ]);
  });

  it("blocks a user who is not root on every Debian package and on root itself, but not on moto", () => {
    const plan = installPlan(
      surveyPrerequisites(machine({ uid: 1000, without: ["ping"], motoServer: () => undefined })),
      false,
    );
    expect(plan.blocked.map((p) => p.name)).toEqual(["root", "ping"]);
    expect(plan.venv).toBe(true);
  });

  it("blocks on what only the user can provide, even as root", () => {
    const plan = installPlan(
      surveyPrerequisites(machine({ terraformVersion: () => undefined, without: ["nft"] })),
      true,
    );
    expect(plan.blocked.map((p) => p.name)).toEqual(["Terraform"]);
    expect(plan.apt).toEqual(["nftables"]);
  });
});

describe("which moto_server the emulator deploy tests use", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "peering-moto-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** An executable script at `file` with `body`. */
  function script(file: string, body: string): string {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, body, { mode: 0o755 });
    return file;
  }
  /** A stand-in Python that answers moto's version as `version`. */
  const python = (name: string, version: string) =>
    script(path.join(dir, "python", name), `#!/bin/sh\necho ${version}\n`);

  it("takes the one PEERING_MOTO_SERVER names first, then the venv's, then PATH's", () => {
    const named = script(path.join(dir, "named", "moto_server"), `#!${python("python3", "5.2.1")}\n`);
    const inVenv = script(path.join(dir, "venv", "bin", "moto_server"), `#!${python("python", "5.2.1")}\n`);
    const onPath = script(path.join(dir, "bin", "moto_server"), `#!${python("python3.11", "5.2.1")}\n`);
    const venv = path.join(dir, "venv");
    const PATH = path.dirname(onPath);
    expect(findMotoServer({ PATH, PEERING_MOTO_SERVER: named }, venv)).toEqual({
      path: named,
      source: "env",
      version: "5.2.1",
    });
    expect(findMotoServer({ PATH }, venv)).toEqual({ path: inVenv, source: "venv", version: "5.2.1" });
    expect(findMotoServer({ PATH }, path.join(dir, "none"))).toEqual({
      path: onPath,
      source: "path",
      version: "5.2.1",
    });
    expect(findMotoServer({ PATH: "/nonexistent" }, path.join(dir, "none"))).toBeUndefined();
  });

  it("finds none when PEERING_MOTO_SERVER names no executable, whatever PATH holds", () => {
    const onPath = script(path.join(dir, "bin", "moto_server"), `#!${python("python3", "5.2.1")}\n`);
    expect(
      findMotoServer({ PATH: path.dirname(onPath), PEERING_MOTO_SERVER: path.join(dir, "missing") }, dir),
    ).toBeUndefined();
  });

  it("asks the Python a `#!/usr/bin/env python3` line names", () => {
    python("python3", "4.2.0");
    const server = script(path.join(dir, "bin", "moto_server"), "#!/usr/bin/env python3\n");
    expect(motoVersion(server, { PATH: `${path.join(dir, "python")}:/usr/bin:/bin` })).toBe("4.2.0");
  });

  it("cannot tell the version of a moto_server that is not a Python script", () => {
    const server = script(path.join(dir, "bin", "moto_server"), "#!/bin/sh\nexit 0\n");
    expect(motoVersion(server, { PATH: "/usr/bin:/bin" })).toBeUndefined();
    expect(missingNames(machine({ motoServer: () => ({ path: server, source: "path", version: undefined }) }))).toEqual(
      ["moto_server 5.2.1"],
    );
  });
});
