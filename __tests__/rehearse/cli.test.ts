import { EXIT, main } from "../../lib/rehearse/cli";
import { leftovers, missingPrerequisites } from "../../lib/rehearse/host";
import { reachCommand } from "../../lib/reach/cli";

const OVERLAP = "__tests__/fixtures/reach/overlap.tf.json";
const TWO_STACKS = "__tests__/fixtures/reach/two-stacks";

async function run(
  argv: readonly string[],
  missing: readonly string[] = [],
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), missing: () => missing });
  return { code, out, err };
}

describe("what rehearse needs from the machine", () => {
  it.each([
    {
      says: "root",
      uid: 1000,
      tools: ["ip", "nsenter", "ping", "nft"],
      missing: ["root (network namespaces need it: run as root, e.g. in a container or VM)"],
    },
    {
      says: "ping and nft, with their packages",
      uid: 0,
      tools: ["ip", "nsenter"],
      missing: ["ping (Debian package iputils-ping)", "nft (Debian package nftables)"],
    },
    {
      says: "ip, with its package",
      uid: 0,
      tools: ["nsenter", "ping", "nft"],
      missing: ["ip (Debian package iproute2)"],
    },
    { says: "nothing when all is there", uid: 0, tools: ["ip", "nsenter", "ping", "nft"], missing: [] },
  ])("names $says", ({ uid, tools, missing }) => {
    expect(missingPrerequisites(uid, (tool) => (tools.includes(tool) ? `/usr/bin/${tool}` : undefined))).toEqual(
      missing,
    );
  });
});

describe("which namespaces count as leftovers", () => {
  const alive = new Map([[4242, "abc"]]);
  const startOf = (pid: number): string | undefined => alive.get(pid);
  const ours = "4026531836";

  it("takes a run's namespaces whose owner is gone or whose pid now belongs to a younger process", () => {
    const names = [`rehearse-${ours}-999-zz-1-v0`, `rehearse-${ours}-4242-old-3-i1`];
    expect(leftovers(names, startOf, ours)).toEqual(names);
  });

  it("never takes a live run's namespaces, another PID namespace's, nor anybody else's", () => {
    const names = [
      `rehearse-${ours}-4242-abc-1-v0`,
      "rehearse-4026532000-999-zz-1-v0",
      "blue",
      "rehearse",
      "rehearse-999-zz-1-v0",
      "my-rehearse-1-1-a-1",
    ];
    expect(leftovers(names, startOf, ours)).toEqual([]);
  });
});

describe("the rehearse command", () => {
  it("refuses with exit 2 and names everything that is missing", async () => {
    const result = await run(
      [TWO_STACKS],
      [
        "root (network namespaces need it: run as root, e.g. in a container or VM)",
        "ping (Debian package iputils-ping)",
      ],
    );
    expect(result).toEqual({
      code: EXIT.unusable,
      out: "",
      err: "rehearse: cannot build namespaces on this machine; missing: root (network namespaces need it: run as root, e.g. in a container or VM), ping (Debian package iputils-ping)\n",
    });
  });

  it.each([
    {
      says: "a path that does not exist",
      argv: ["no/such/dir"],
      err: /^rehearse: .*no\/such\/dir: no such file or directory/,
    },
    { says: "an unknown option", argv: ["--frm", "x"], err: /unknown option '--frm'/ },
    {
      says: "an unknown --from",
      argv: ["__tests__/fixtures/reach/overlap.tf.json", "--from", "aws_instance.nope"],
      err: /^rehearse: --from aws_instance\.nope is not an aws_instance/,
    },
  ])("answers $says with exit 2 and a one-line reason, before building anything", async ({ argv, err }) => {
    const result = await run(argv);
    expect(result.code).toBe(EXIT.unusable);
    expect(result.err).toMatch(err);
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it("refuses a pair it cannot measure with exit 2 and one line naming the pair and why, before it asks anything of the machine", async () => {
    const argv = [TWO_STACKS, "--from", "instances/aws_instance.a", "--to", "10.0.0.4"];
    const result = await run(argv, ["root (network namespaces need it: run as root, e.g. in a container or VM)"]);
    expect(result).toEqual({
      code: EXIT.unusable,
      out: "",
      err:
        "rehearse: cannot rehearse instances/aws_instance.a → 10.0.0.4 (ipv4): 10.0.0.4 is instances/aws_instance.a's own " +
        "address, so the echo would never leave it; give --from another instance, or leave --from out\n",
    });
  });

  describe("on a network AWS would reject", () => {
    async function reach(argv: readonly string[]): Promise<{ code: number; out: string }> {
      let out = "";
      const code = await reachCommand(argv, { stdout: (t) => (out += t), stderr: () => undefined });
      return { code, out };
    }
    const NOT_ROOT = ["root (network namespaces need it: run as root, e.g. in a container or VM)"];

    it("refuses it with reach's exit code and reach's configuration errors, before it asks anything of the machine", async () => {
      const [rehearsed, reached] = await Promise.all([run([OVERLAP], NOT_ROOT), reach([OVERLAP])]);
      expect(reached.code).toBe(EXIT.differs);
      expect(rehearsed.code).toBe(EXIT.differs);
      expect(rehearsed.err).toBe("");
      const errorsOf = (text: string) =>
        text.split("Configuration errors (AWS would reject these):\n")[1].split("\n\n")[0];
      expect(errorsOf(rehearsed.out)).toBe(errorsOf(reached.out));
      expect(rehearsed.out).toMatch(/^Built nothing: AWS would reject this network/);
    });

    it("gives in --json no pairs and the errors reach gives", async () => {
      const [rehearsed, reached] = await Promise.all([run([OVERLAP, "--json"], NOT_ROOT), reach([OVERLAP, "--json"])]);
      const mine = JSON.parse(rehearsed.out);
      expect(mine.pairs).toEqual([]);
      expect(mine.refused).toBe(true);
      expect(mine.errors).toEqual(JSON.parse(reached.out).errors);
      expect(mine.errors.length).toBeGreaterThan(0);
    });
  });

  it("points at npm run synth when there is no cdktf.out yet", async () => {
    const cwd = process.cwd();
    process.chdir(__dirname);
    try {
      const result = await run([]);
      expect(result.code).toBe(EXIT.unusable);
      expect(result.err).toMatch(/cdktf\.out: no such file or directory.*run `npm run synth` first/);
    } finally {
      process.chdir(cwd);
    }
  });
});
