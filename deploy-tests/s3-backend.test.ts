import { defaultWith } from "../test-support/configs";
import { rehearseDeploy, STATE_BUCKET } from "./suite";

// The same network as the default config's emulator deploy test, which reads it live and drifts it: here the state is what is rehearsed.
rehearseDeploy({
  name: "the default config with an S3 backend",
  slug: "s3",
  config: defaultWith({ backend: { s3: { bucket: STATE_BUCKET } } }),
  live: false,
});
