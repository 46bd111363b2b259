/** Input rehearse cannot use (unreadable Terraform, an unknown --from, a subnet without a free address): exit 2. */
export class RehearseInputError extends Error {
  override readonly name = "RehearseInputError";
}

/** This machine cannot run rehearse (not root, a tool missing); the message names every missing piece: exit 2. */
export class RehearseRefusal extends Error {
  override readonly name = "RehearseRefusal";
}

/** A command that builds or measures the network failed; the message names the namespace, the command and its output. */
export class RehearseFailure extends Error {
  override readonly name = "RehearseFailure";
}

/** A stage of a migration AWS would reject: rehearse builds nothing and exits 3, as for a network AWS would reject. */
export class RehearseRejected extends Error {
  override readonly name = "RehearseRejected";
}
