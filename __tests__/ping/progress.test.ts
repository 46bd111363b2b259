import { streamProgress } from "../../lib/ping/progress";

function stream(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, write: (text: string) => written.push(text) };
}

describe("streamProgress", () => {
  it("rewrites one line in place on a terminal, keeping logged lines above it", () => {
    const s = stream(true);
    const progress = streamProgress(s, () => 0);
    progress.update("pings answered: 1/6");
    progress.log("agent of c is ConnectionLost");
    progress.update("pings answered: 2/6");
    progress.done();
    expect(s.written).toEqual([
      "\r\x1b[Kpings answered: 1/6",
      "\r\x1b[Kagent of c is ConnectionLost\npings answered: 1/6",
      "\r\x1b[Kpings answered: 2/6",
      "\r\x1b[K",
    ]);
  });

  it("prints plain lines elsewhere, a changed status at most every 5 s, and the last one at the end", () => {
    const s = stream(false);
    let now = 0;
    const progress = streamProgress(s, () => now);
    progress.update("pings answered: 1/6");
    progress.update("pings answered: 2/6");
    now = 5_000;
    progress.update("pings answered: 3/6");
    progress.update("pings answered: 6/6");
    progress.log("done pinging");
    progress.done();
    progress.done();
    expect(s.written).toEqual([
      "pings answered: 1/6\n",
      "pings answered: 3/6\n",
      "done pinging\n",
      "pings answered: 6/6\n",
    ]);
  });
});
