// `npm run bench`: every registered benchmark with its defaults, one after the other.
import { BENCHES } from './registry.ts';

for (const bench of BENCHES) {
  process.stdout.write(`== ${bench.name}: ${bench.description}\n`);
  const report = await bench.run({});
  process.stdout.write(report.text + '\n\n');
}
