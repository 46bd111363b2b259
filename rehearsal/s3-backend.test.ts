import { defaultWith } from "../test-support/configs";
import { rehearseDeploy, STATE_BUCKET } from "./suite";

rehearseDeploy({ name: "the default config with an S3 backend", slug: "s3", config: defaultWith({ backend: { s3: { bucket: STATE_BUCKET } } }) });
