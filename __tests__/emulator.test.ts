/**
 * The emulator deploy tests' safety and its oracle, without starting anything: the environment check
 * that keeps every emulated process away from real AWS accounts, the message when moto_server is
 * missing, and what the live assertions expect of a config.
 */
import * as os from "os";
import { parseConfig, DEFAULT_CONFIG } from "../lib/config";
import { FULL_MESH_CONFIG } from "../test-support/configs";
import {
  checkEmulatorEnv,
  EMULATOR_CREDENTIALS,
  emulatorEnv,
  emulatorEnvProblems,
  EmulatorSafetyError,
  isLoopbackHost,
  startEmulator,
} from "../test-support/emulator";
import { startFront } from "../test-support/emulator-front";
import { added, expectedDeployment } from "../test-support/live";

const ENDPOINT = "http://127.0.0.1:45123";
const SINKHOLE = "http://127.0.0.1:45124";
/** A user's shell with a real-looking AWS setup, which the emulator's environment must not inherit. */
const USER_ENV: NodeJS.ProcessEnv = {
  PATH: "/usr/bin",
  HOME: "/home/user",
  AWS_PROFILE: "production",
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  AWS_SESSION_TOKEN: "token",
  AWS_ENDPOINT_URL_S3: "https://s3.eu-west-1.amazonaws.com",
  HTTPS_PROXY: "http://proxy.example.com:3128",
};
const safe = (): NodeJS.ProcessEnv => emulatorEnv(USER_ENV, ENDPOINT, "eu-west-1", SINKHOLE);

describe("the emulator's environment", () => {
  it("replaces the user's AWS settings with fake credentials, the loopback endpoint, no profiles and no instance metadata", () => {
    const env = safe();
    expect(env).toEqual(
      expect.objectContaining({
        AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL: ENDPOINT,
        AWS_REGION: "eu-west-1",
        AWS_DEFAULT_REGION: "eu-west-1",
        AWS_CONFIG_FILE: os.devNull,
        AWS_SHARED_CREDENTIALS_FILE: os.devNull,
        AWS_EC2_METADATA_DISABLED: "true",
        HTTPS_PROXY: SINKHOLE,
        PATH: "/usr/bin",
      }),
    );
    for (const name of ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL_S3"])
      expect(env).not.toHaveProperty(name);
    expect(emulatorEnvProblems(env)).toEqual([]);
  });

  it.each<[string, NodeJS.ProcessEnv, string]>([
    [
      "real-looking credentials",
      { AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE" },
      "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be the harness's fake credentials",
    ],
    ["another secret key", { AWS_SECRET_ACCESS_KEY: "x" }, "must be the harness's fake credentials"],
    [
      "a session token",
      { AWS_SESSION_TOKEN: "t" },
      "AWS_SESSION_TOKEN is set: no credential source but the fake keys is allowed",
    ],
    ["a profile", { AWS_PROFILE: "production" }, "AWS_PROFILE is set"],
    ["a web identity token", { AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token" }, "AWS_WEB_IDENTITY_TOKEN_FILE is set"],
    [
      "container credentials",
      { AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.2/creds" },
      "AWS_CONTAINER_CREDENTIALS_FULL_URI is set",
    ],
    ["the user's config file", { AWS_CONFIG_FILE: "/home/user/.aws/config" }, `AWS_CONFIG_FILE must be ${os.devNull}`],
    [
      "the user's credentials file",
      { AWS_SHARED_CREDENTIALS_FILE: undefined },
      `AWS_SHARED_CREDENTIALS_FILE must be ${os.devNull}`,
    ],
    ["instance metadata left on", { AWS_EC2_METADATA_DISABLED: "false" }, "AWS_EC2_METADATA_DISABLED must be true"],
    ["no endpoint", { AWS_ENDPOINT_URL: undefined }, "AWS_ENDPOINT_URL is not set"],
    [
      "AWS's own endpoint",
      { AWS_ENDPOINT_URL: "https://ec2.eu-west-1.amazonaws.com" },
      'AWS_ENDPOINT_URL="https://ec2.eu-west-1.amazonaws.com" is not a loopback address',
    ],
    [
      "a service endpoint off the machine",
      { AWS_ENDPOINT_URL_SSM: "http://10.0.0.5:4566" },
      'AWS_ENDPOINT_URL_SSM="http://10.0.0.5:4566" is not a loopback address',
    ],
    [
      "a host name, even localhost",
      { AWS_ENDPOINT_URL_S3: "http://localhost:4566" },
      'AWS_ENDPOINT_URL_S3="http://localhost:4566" is not a loopback address',
    ],
    [
      "a legacy service endpoint",
      { AWS_S3_ENDPOINT: "https://s3.amazonaws.com" },
      'AWS_S3_ENDPOINT="https://s3.amazonaws.com" is not a loopback address',
    ],
    [
      "an endpoint that is no URL",
      { AWS_ENDPOINT_URL: "127.0.0.1:45123" },
      'AWS_ENDPOINT_URL="127.0.0.1:45123" is not',
    ],
    [
      "endpoints the SDKs are told to ignore",
      { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" },
      "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is set",
    ],
    [
      "a proxy off the machine",
      { https_proxy: "http://proxy.example.com:3128" },
      'https_proxy="http://proxy.example.com:3128" is not a loopback address',
    ],
  ])("is refused with %s", (_, change, problem) => {
    const env = { ...safe(), ...change };
    for (const [name, value] of Object.entries(change)) if (value === undefined) delete env[name];
    expect(emulatorEnvProblems(env)).toEqual([expect.stringContaining(problem)]);
    expect(() => checkEmulatorEnv(env)).toThrow(EmulatorSafetyError);
  });

  it("lists every problem at once", () => {
    const env = {
      ...safe(),
      AWS_PROFILE: "p",
      AWS_EC2_METADATA_DISABLED: undefined,
      AWS_ENDPOINT_URL: "https://example.com",
    };
    expect(() => checkEmulatorEnv(env)).toThrow(
      /Refusing to run against anything but the local emulator:\n {2}- AWS_PROFILE is set.*\n {2}- AWS_EC2_METADATA_DISABLED.*\n {2}- AWS_ENDPOINT_URL=/,
    );
  });

  it.each([
    ["127.0.0.1", true],
    ["127.3.2.1", true],
    ["[::1]", true],
    ["::1", true],
    ["0:0:0:0:0:0:0:1", true],
    ["localhost", false],
    ["128.0.0.1", false],
    ["10.0.0.1", false],
    ["::2", false],
    ["ec2.eu-west-1.amazonaws.com", false],
  ])("counts %s as loopback: %s", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe("startEmulator", () => {
  it("fails with install instructions when moto_server is neither in the venv nor on PATH", async () => {
    await expect(
      startEmulator({ region: "eu-west-1", baseEnv: { PATH: "/nonexistent" }, venv: "/nonexistent" }),
    ).rejects.toThrow(
      /moto_server is not in \.venv\/bin or on PATH, so there is no AWS API emulator to deploy to: run npm run test:all as root, which installs moto 5\.2\.1 into \.venv\/, or run python3 -m venv \.venv && /,
    );
  });

  it("fails naming PEERING_MOTO_SERVER when it names no executable", async () => {
    await expect(
      startEmulator({
        region: "eu-west-1",
        baseEnv: { PATH: "/usr/bin", PEERING_MOTO_SERVER: "/nonexistent/moto_server" },
      }),
    ).rejects.toThrow(
      /^PEERING_MOTO_SERVER \(\/nonexistent\/moto_server\) names no executable, so there is no AWS API emulator/,
    );
  });
});

describe("the emulator front", () => {
  it("forwards only to a loopback address", async () => {
    await expect(startFront("https://ssm.eu-west-1.amazonaws.com", {})).rejects.toThrow(
      /forwards only to loopback addresses/,
    );
  });
});

describe("what the live assertions expect", () => {
  it("routes each private subnet of the default's VPC a to b through peering a_b and out through its own NAT gateway", () => {
    const { vpcs, peerings } = expectedDeployment(parseConfig(DEFAULT_CONFIG));
    expect(peerings).toEqual({ a_b: "active" });
    expect(vpcs.a.privateRoutes).toEqual({
      "10.0.0.32/27": { "10.0.0.0/24": "local", "0.0.0.0/0": "nat 10.0.0.0/27", "10.0.1.0/24": "peering a_b" },
    });
    expect(vpcs.a.instance?.securityGroups).toEqual([
      { ingress: ["icmp 8/-1 from 10.0.1.0/24"], egress: ["all to 0.0.0.0/0"] },
    ]);
  });

  it("sends both AZs of a full-mesh VPC through the single NAT gateway of the first", () => {
    const { vpcs } = expectedDeployment(parseConfig(FULL_MESH_CONFIG));
    expect(vpcs.c.natGateways).toEqual(["10.0.2.0/27"]);
    expect(Object.values(vpcs.c.privateRoutes).map((r) => r["0.0.0.0/0"])).toEqual([
      "nat 10.0.2.0/27",
      "nat 10.0.2.0/27",
    ]);
    expect(vpcs.c.privateRoutes["10.0.2.96/27"]).toEqual({
      "10.0.2.0/24": "local",
      "0.0.0.0/0": "nat 10.0.2.0/27",
      "10.0.0.0/24": "peering a_c",
      "10.0.1.0/24": "peering b_c",
      "10.0.3.0/24": "peering c_d",
    });
  });

  it("counts as left over only what is new since the baseline, and leaves out the kinds it is told to", () => {
    const before = { vpcs: ["vpc-default"], networkInterfaces: [] };
    const after = { vpcs: ["vpc-default", "vpc-1"], roles: [], networkInterfaces: ["eni-1"] };
    expect(added(before, after, ["networkInterfaces"])).toEqual({ vpcs: ["vpc-1"] });
  });
});
