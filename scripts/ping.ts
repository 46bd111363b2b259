import * as path from "path";
import { SSMClient } from "@aws-sdk/client-ssm";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { main } from "../lib/ping/cli";
import { PingInputError } from "../lib/ping/errors";
import { expectationsFrom } from "../lib/ping/expect";
import {
  DeployedInstance,
  INSTANCES_STACK,
  readOutputsFile,
  readSynthesizedRegion,
  readTerraformOutputs,
} from "../lib/ping/outputs";
import { Expected } from "../lib/ping/results";
import { systemClock } from "../lib/ping/ssm";
import { analyze, loadTerraform, ReachInputError } from "../lib/reach";
import { runCommand } from "../lib/core/exit-codes";
import { PROJECT_ROOT } from "../lib/core/paths";
import { terraformEnv } from "../lib/core/terraform-env";
import { writeFileAtomic } from "../lib/core/files";

/**
 * reach's predictions for the synthesized stacks in synthDir, keyed by VPC names. The deployed
 * private IPs are handed to reach so that pairs hinging on addresses AWS assigned at deploy time
 * get a definite answer.
 */
async function loadExpectations(
  synthDir: string,
  instances: readonly DeployedInstance[],
): Promise<ReadonlyMap<string, Expected>> {
  const addresses = Object.fromEntries(
    instances.map((i) => [`${i.stack ?? INSTANCES_STACK}/${i.address}`, { ipv4: i.privateIp }]),
  );
  try {
    return expectationsFrom(analyze(loadTerraform([synthDir]), { addresses }).pairs, instances);
  } catch (e) {
    if (!(e instanceof ReachInputError)) throw e;
    throw new PingInputError(
      `reach on ${synthDir}: ${e.message}; fix: run \`npm run synth\` with the deployed config, or pass --no-expect`,
    );
  }
}

/**
 * Credentials of `roleArn`, assumed with the default credentials through STS in `region`; the SDK
 * asks again when they expire.
 */
function assumedRole(roleArn: string, region: string | undefined) {
  const sts = new STSClient(region ? { region } : {});
  return async () => {
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "peering-ping" }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey)
      throw new PingInputError(`sts:AssumeRole ${roleArn} returned no credentials; fix: check the role's trust policy`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  };
}

void runCommand(
  "ping",
  () =>
    main(process.argv.slice(2), {
      stdout: (text) => process.stdout.write(text),
      stderr: process.stderr,
      // lib/ping retries throttling and transient errors itself, within the run's deadline and on its
      // injectable clock; the SDK's own retries (3 attempts by default) would stack on top of that.
      createClient: (region, roleArn) =>
        new SSMClient({
          maxAttempts: 1,
          ...(region ? { region } : {}),
          ...(roleArn ? { credentials: assumedRole(roleArn, region) } : {}),
        }),
      readInstances: ({ outputsFile, stackDir }) =>
        outputsFile
          ? readOutputsFile(outputsFile)
          : readTerraformOutputs(stackDir, terraformEnv(process.env, path.join(PROJECT_ROOT, ".peering"))),
      loadExpectations,
      synthesizedRegion: readSynthesizedRegion,
      writeFile: (file, text) => writeFileAtomic(file, text, { label: "--report" }),
      clock: systemClock,
      random: Math.random,
    }),
  [PingInputError],
);
