import { pipelineBench } from './zz-prof-tmp.ts';
const r = await pipelineBench.run({ events: process.argv[2] ?? '200000', rate: '0' } as any);
console.log(r.text);
