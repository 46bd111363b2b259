import { teardown } from "./temp-dir";

export default teardown;
