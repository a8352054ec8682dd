import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import type { AreaLevel } from '../../geo/areas.ts';
import { AREA_LEVELS } from '../../geo/areas.ts';
import { loadDivisions } from '../../geo/divisions.ts';
import { formatImport, importBoundaries } from '../../geo/import.ts';
import { Workspace } from '../../workspace.ts';
import { DEFAULT_WORKSPACE } from '../options.ts';
import { publishNow } from '../with-duck.ts';

interface ImportFlags {
  level: AreaLevel;
  workspace: string;
  city?: string;
  json: boolean;
  publish: boolean;
}

function city(v: string): string {
  if (!/^\d{6}$/.test(v)) throw new InvalidArgumentError(`expected a six-digit city code, got '${v}'`);
  return v;
}

/** `epitrace geo import`: a city's street or community boundaries. */
export function registerGeo(program: Command): void {
  const geo = program.command('geo').description('street and community boundaries of a workspace');
  geo
    .command('import')
    .description(
      'validate a GeoJSON or TopoJSON file of street or community boundaries (properties code|adcode and name), ' +
        "then make them the city's areas and re-assign its cells",
    )
    .argument(
      '<file>',
      'GeoJSON FeatureCollection or TopoJSON (object streets / communities, or its only one)',
    )
    .addOption(
      new Option('--level <level>', 'street or community').choices([...AREA_LEVELS]).makeOptionMandatory(),
    )
    .option('-w, --workspace <dir>', 'workspace folder', DEFAULT_WORKSPACE)
    .option('--city <code>', 'six-digit city code (default: the one city the codes lie in)', city)
    .option('--json', 'print the report as JSON', false)
    .option(
      '--no-publish',
      'do not publish a snapshot for the server at the end (a job publishes once at its end)',
    )
    .action(async (file: string, o: ImportFlags) => {
      const ws = new Workspace(o.workspace).require();
      const db = await ws.openDuck();
      try {
        const r = await importBoundaries(db, loadDivisions(), {
          level: o.level,
          file,
          city: o.city,
          quarantineDir: ws.quarantineDir,
        });
        if (o.json) {
          const { accepted, quarantined, ...rest } = r.validation;
          const report = {
            ...r,
            validation: {
              ...rest,
              accepted: accepted.length,
              quarantined: quarantined.map(({ feature: _f, ...q }) => q),
            },
          };
          process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        } else process.stdout.write(formatImport(r, file));
        if (o.publish) await publishNow(ws, db);
      } finally {
        db.close();
      }
    });
}
