// Adds cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...) to jest's expect.
const cdktf = require("cdktf");
cdktf.Testing.setupJest();
// The AWS SDK warns once per process that its 2027 releases will need Node 22; the tests pin the SDK, so the
// warning is noise in their output (users of `npm run ping` still see it).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
