/** Input the ping tool cannot work with (missing or malformed outputs, bad options): the CLI exits 2 on it. */
export class PingInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PingInputError";
  }
}
