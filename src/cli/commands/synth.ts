import type { Command } from 'commander';
import { builtinCities } from '../../synth/cities.ts';
import { generate } from '../../synth/generate.ts';
import { scenarioOptions, scenarioParams } from '../options.ts';
import type { ScenarioFlags } from '../options.ts';
import { makeProgress } from '../progress.ts';

/** `epitrace synth`. */
export function registerSynth(program: Command): void {
  scenarioOptions(
    program
      .command('synth')
      .description('simulate a SYNTHETIC scenario: records, cell registry, ground truth'),
  )
    .requiredOption('-o, --out <dir>', 'output folder')
    .action(async (o: ScenarioFlags & { out: string }) => {
      const p = scenarioParams(o);
      const progress = makeProgress();
      progress.start('simulating people', p.people);
      const s = await generate(builtinCities(), p, o.out, { progress: (d) => progress.update(d) });
      progress.stop();
      process.stdout.write(
        `synthetic scenario in ${s.outDir}: ${s.records} records, ${s.subscribers} subscribers of ${s.people} people, ${s.cells} cells\n`,
      );
    });
}
