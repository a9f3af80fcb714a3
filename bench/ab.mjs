// npm run bench:ab -- [--runs N] 'command A' 'command B' [...] — two (or more) builds or settings
// compared fairly on a machine whose speed drifts: the commands run alternately, run by run
// (A, B, A, B, …), never each in a block, and each one's median, quartiles, peak RSS and CPU
// are printed, with every command's median as a ratio of the first's.
//
// Why: on this project's 2-core VMs the same warm rescan measured 133 ms and 230 ms an hour apart.
// hyperfine runs each command's runs together, and a drift between the blocks once showed a 22%
// "gain" that alternating runs put at 2%. Commands run through /bin/sh (pipes and variables work),
// timed as the peers bench times its runs (peers.mjs timed: peak RSS and CPU from /usr/bin/time
// when present). A command that fails stops the comparison: a failing build must not look fast.
import { timed } from './peers.mjs';

const args = process.argv.slice(2);
let runs = 10;
const commands = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else commands.push(args[i]);
}
if (commands.length < 2 || !Number.isInteger(runs) || runs < 1) {
  process.stderr.write("usage: node bench/ab.mjs [--runs N] 'command A' 'command B' [...]\n");
  process.exit(2);
}

const samples = commands.map(() => ({ wall: [], rssMb: [], cpu: [] }));
for (let round = 0; round < runs; round += 1) {
  for (const [i, command] of commands.entries()) {
    let measured;
    try {
      measured = timed('/bin/sh', ['-c', command]);
    } catch (error) {
      // timed (peers.mjs) throws on a non-zero exit, naming the command and its stderr.
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    }
    const { seconds, rssMb, cpu } = measured;
    samples[i].wall.push(seconds);
    samples[i].rssMb.push(rssMb);
    samples[i].cpu.push(cpu);
  }
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const at = (xs, q) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const base = at(samples[0].wall, 0.5);
console.log(`${runs} alternating runs of each command (medians; p25–p75 of wall time)`);
for (const [i, command] of commands.entries()) {
  const s = samples[i];
  const median = at(s.wall, 0.5);
  console.log(
    `${String.fromCharCode(65 + i)}: wall ${fmt(median)} s (${fmt(at(s.wall, 0.25))}–${fmt(at(s.wall, 0.75))}) · ${fmt(median / base, 2)}× A` +
      ` · CPU ${fmt(at(s.cpu, 0.5), 2)} s · peak RSS ${fmt(at(s.rssMb, 0.5), 0)} MB (max ${fmt(Math.max(...s.rssMb), 0)})`,
  );
  console.log(`   ${command}`);
}
