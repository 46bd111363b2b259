// Adds cdktf's matchers (toHaveResource, toHaveResourceWithProperties, ...) to jest's expect.
const cdktf = require("cdktf");
cdktf.Testing.setupJest();
