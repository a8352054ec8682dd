import { useContext, useMemo } from 'react';
import { ExportButtons } from './export.tsx';
import type { ExportColumn } from './export.tsx';
import type { CityRow, Figure, ProvinceRow, RegionLevel } from './flows-api.ts';
import { expandedText, intervalText, sampleText } from './flows-format.ts';
import { useFlowsStrings } from './flows-i18n.ts';
import { LangContext } from './i18n.ts';

export type RankRow = Figure & { code: string; name: string; province?: string; provinceName?: string };

type Props = {
  rows: (CityRow | ProvinceRow)[];
  groupBy: RegionLevel;
  k: number;
  nameOf: (code: string) => string;
  /** Export file name without "epitrace-" and extension. */
  exportName: string;
  /** The answer's flag: the export says synthetic in its name and a column. */
  synthetic: boolean;
  /** Show only the first rows (big screen); the export still has them all. */
  limit?: number;
  testId: string;
};

/** The export's columns: the API's fields, numbers unformatted, suppressed as an empty count and a flag. */
export function rankColumns(groupBy: RegionLevel): ExportColumn<RankRow & { rank: number }>[] {
  const cols: ExportColumn<RankRow & { rank: number }>[] = [
    { key: 'rank', header: 'rank', value: (r) => r.rank },
    { key: 'code', header: 'code', value: (r) => r.code },
    { key: 'name', header: 'name', value: (r) => r.name },
  ];
  if (groupBy === 'city')
    cols.push(
      { key: 'province', header: 'province', value: (r) => r.province ?? '' },
      { key: 'provinceName', header: 'provinceName', value: (r) => r.provinceName ?? '' },
    );
  return [...cols, ...figureColumns()];
}

/** A figure's export columns: the API's fields unformatted, suppressed as an empty count and a flag. */
export function figureColumns<R extends Figure>(): ExportColumn<R>[] {
  return [
    { key: 'count', header: 'count', value: (r) => r.count },
    { key: 'suppressed', header: 'suppressed', value: (r) => r.suppressed },
    { key: 'suppressedCells', header: 'suppressedCells', value: (r) => r.suppressedCells },
    { key: 'expanded', header: 'expanded', value: (r) => r.expanded?.value ?? null },
    { key: 'expandedLo', header: 'expandedLo', value: (r) => r.expanded?.lo ?? null },
    { key: 'expandedHi', header: 'expandedHi', value: (r) => r.expanded?.hi ?? null },
  ];
}

/** A figure's four cells in a table row: sample, expanded, its interval, cells below k. */
export function FigureCells({ f, k }: { f: Figure; k: number }) {
  const t = useFlowsStrings();
  const lang = useContext(LangContext);
  return (
    <>
      <td className="num">{sampleText(f, k, t, lang, true)}</td>
      <td className="num">{expandedText(f, k, t, lang, true)}</td>
      <td className="num">{intervalText(f, t, lang)}</td>
      <td className="num">{f.suppressedCells}</td>
    </>
  );
}

/** The ranking in the API's order (largest first, suppressed last), sample and expanded side by side. */
export function RankingTable({ rows, groupBy, k, nameOf, exportName, synthetic, limit, testId }: Props) {
  const t = useFlowsStrings();
  const ranked = useMemo(() => rows.map((r, i) => ({ ...(r as RankRow), rank: i + 1 })), [rows]);
  const shown = limit === undefined ? ranked : ranked.slice(0, limit);
  return (
    <div className="flows-ranking">
      <div className="flows-export">
        <ExportButtons
          name={exportName}
          rows={ranked}
          synthetic={synthetic}
          columns={rankColumns(groupBy)}
          testId={`${testId}-export`}
        />
      </div>
      <div className="flows-table-wrap">
        <table className="flows-table" data-testid={testId}>
          <thead>
            <tr>
              <th className="num">{t.rank}</th>
              <th>{t.regionCol[groupBy]}</th>
              {groupBy === 'city' && <th>{t.province}</th>}
              <th className="num">{t.sample}</th>
              <th className="num">{t.expanded}</th>
              <th className="num">{t.lohi}</th>
              <th className="num">{t.cellsBelowK(k)}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.code} className={r.suppressed ? 'suppressed' : undefined} data-code={r.code}>
                <td className="num">{r.rank}</td>
                <td>{nameOf(r.code)}</td>
                {groupBy === 'city' && <td>{r.province ? nameOf(r.province) : ''}</td>}
                <FigureCells f={r} k={k} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small flows-table-note">{t.tableNote(k)}</p>
    </div>
  );
}
