/** Option parsers and resolution of `epitrace forecast`'s scenarios and groups. */
import { InvalidArgumentError } from 'commander';
import { UserError } from '../../errors.ts';
import { regionResolver } from '../../epi/region-names.ts';
import type { RegionLevel } from '../../epi/region-names.ts';
import type { EpiData, RegionGroup, Scenario } from '../../epi/types.ts';
import { date } from '../options.ts';

/** Option parser for a number >= 0. */
export function nonNegative(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!(n >= 0) || v.trim() === '')
      throw new InvalidArgumentError(`${name} must be a number >= 0, got '${v}'`);
    return n;
  };
}

/** --scenario NAME:REGIONS:CUT:FROM, e.g. wuhan-closed:420100:0.9:2020-01-23 (REGIONS comma list or *). */
export function scenarioArg(v: string, previous: string[] = []): string[] {
  const m = /^([^:]+):([^:]+):([0-9.]+):(\d{4}-\d{2}-\d{2})$/.exec(v);
  const cut = m ? Number(m[3]) : NaN;
  if (!m || !(cut >= 0 && cut <= 1))
    throw new InvalidArgumentError(
      `expected NAME:REGIONS:CUT:FROM with CUT from 0 to 1 (e.g. wuhan-closed:420100:0.9:2020-01-23), got '${v}'`,
    );
  date(m[4]!);
  return [...previous, v];
}

/** --group NAME:REGIONS, e.g. 'outside-hubei:*-420000' (* = all regions, -CODE leaves one out). */
export function groupArg(v: string, previous: string[] = []): string[] {
  if (!/^[^:]+:.+$/.test(v))
    throw new InvalidArgumentError(
      `expected NAME:REGIONS (e.g. outside-hubei:*-420000 or pearl:440100,440300), got '${v}'`,
    );
  return [...previous, v];
}

/** A comma list, trimmed, empties dropped. */
export const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Region names or codes of an option, as the data's region codes; '*' kept. */
function codesOf(names: string[], data: EpiData, level: RegionLevel, what: string): string[] {
  const resolve = regionResolver(level);
  const have = new Set(data.regions.map((r) => r.code));
  return names.map((name) => {
    if (name === '*') return name;
    const r = resolve(name);
    if ('error' in r) throw new UserError(`${what}: ${r.error}`);
    if (!have.has(r.region.code))
      throw new UserError(`${what}: ${r.region.code} ${r.region.name} has no cases in the file`);
    return r.region.code;
  });
}

/** The --scenario specs as Scenarios, regions resolved to the data's codes. */
export function scenariosOf(specs: string[], data: EpiData, level: RegionLevel): Scenario[] {
  return specs.map((s) => {
    const [name, regions, cut, from] = s.split(':') as [string, string, string, string];
    return {
      name,
      mobilityCut: {
        regions: codesOf(list(regions), data, level, `--scenario ${name}`),
        cut: Number(cut),
        from,
      },
    };
  });
}

/** The --group specs as RegionGroups over the data's codes. */
export function groupsOf(specs: string[], data: EpiData, level: RegionLevel): RegionGroup[] {
  return specs.map((s) => {
    const colon = s.indexOf(':');
    const name = s.slice(0, colon);
    const parts = list(s.slice(colon + 1));
    let members: string[];
    if (parts[0]?.startsWith('*')) {
      const drop = new Set(
        codesOf(parts[0].slice(1).split('-').filter(Boolean), data, level, `--group ${name}`),
      );
      for (const p of parts.slice(1))
        if (p.startsWith('-'))
          codesOf([p.slice(1)], data, level, `--group ${name}`).forEach((c) => drop.add(c));
      members = data.regions.map((r) => r.code).filter((c) => !drop.has(c));
    } else members = codesOf(parts, data, level, `--group ${name}`);
    if (!members.length) throw new UserError(`--group ${name} has no regions`);
    return { code: name, name, members };
  });
}
