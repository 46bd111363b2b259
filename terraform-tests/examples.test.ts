/**
 * `npm run test:terraform`: every example the core cases of `npm test` leave out, as JSON and as
 * HCL, through terraform init and a mocked apply whose wiring assertions hold (see
 * test-support/terraform-cases.ts). Offline: terraform and the provider mirror only.
 */
import { describeTerraformProofs, TERRAFORM_CASES } from "../test-support/terraform-cases";

describeTerraformProofs(TERRAFORM_CASES.filter((c) => !c.core));
