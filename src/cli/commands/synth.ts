import { Option } from 'commander';
import type { Command } from 'commander';
import { builtinGeo } from '../../synth/cities.ts';
import { SYNTH_PHASES } from '../demo.ts';
import { generate } from '../../synth/generate.ts';
import type { Format } from '../../synth/generate.ts';
import { int, scenarioOptions, scenarioParams } from '../options.ts';
import type { ScenarioFlags } from '../options.ts';
import { makeProgress, phased } from '../progress.ts';

/** `epitrace synth`. */
export function registerSynth(program: Command): void {
  scenarioOptions(
    program
      .command('synth')
      .description('simulate a SYNTHETIC scenario: records, cell registry, ground truth'),
  )
    .requiredOption('-o, --out <dir>', 'output folder')
    .option(
      '--threads <n>',
      'threads generating records (default: one per core, at most 4; one below 10000 people); same records for any count',
      int('--threads', 1),
    )
    .addOption(
      new Option('--format <format>', 'record file format').choices(['parquet', 'csv']).default('parquet'),
    )
    .action(async (o: ScenarioFlags & { out: string; format: Format; threads?: number }) => {
      const p = scenarioParams(o);
      const bars = phased(makeProgress(), SYNTH_PHASES);
      const s = await generate(
        builtinGeo(),
        p,
        o.out,
        { progress: bars.update, threads: o.threads },
        o.format,
      );
      bars.stop();
      const bad = Object.entries(s.malformed).map(([k, n]) => `${n} ${k}`);
      process.stdout.write(
        `SYNTHETIC scenario in ${s.outDir}: ${s.records} records (${s.duplicates} duplicates, malformed: ${bad.join(', ') || 'none'}) ` +
          `in ${s.recordFiles.length} file(s), ${s.subscribers} subscribers of ${s.people} people, ${s.cells} cells, ` +
          `${s.infections} infections, ${s.cases} confirmed cases\n`,
      );
    });
}
