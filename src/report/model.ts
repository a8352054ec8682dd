/**
 * A report (issue 17): the figures of one question, dated, with their definitions, sources and privacy note,
 * in both languages. Built from the same functions as the API (build.ts), rendered to HTML (render.ts) and
 * printed to PDF by a real browser (pdf.ts). Plain data: the JSON form of a report is this object.
 */

export type ReportKind = 'outflow' | 'returnees' | 'risk' | 'forecast';
export const REPORT_KINDS: readonly ReportKind[] = ['outflow', 'returnees', 'risk', 'forecast'];

export type Lang = 'zh' | 'en';

/** A text in both languages. */
export interface Text {
  zh: string;
  en: string;
}

/** What a figure is: a count in the operator's sample, an expanded population estimate, model output, the case registry's count, ... */
export type Basis = 'sample' | 'expanded' | 'model' | 'registry' | 'derived';

/**
 * One table cell: a number, a text, null (not applicable, shown "-"), or a suppressed count (`{ lt: k }`,
 * shown "< k", never 0).
 */
export type Cell = number | string | null | { lt: number };

export interface Column {
  key: string;
  label: Text;
  /** The unit, shown with the label, e.g. "cases per 10,000 arrivals". */
  unit?: Text;
  basis?: Basis;
  /** Decimals shown for numbers (default 0). */
  digits?: number;
}

export interface TableSection {
  kind: 'table';
  id: string;
  title: Text;
  columns: Column[];
  rows: Record<string, Cell>[];
  note?: Text;
}

/** Headline figures, e.g. total outflow, its expanded estimate, the fit's slope. */
export interface FiguresSection {
  kind: 'figures';
  id: string;
  title: Text;
  items: { key: string; label: Text; value: Cell; unit?: Text; basis?: Basis; digits?: number }[];
  note?: Text;
}

export interface ChartSeries {
  name: Text;
  type: 'line' | 'bar' | 'scatter' | 'band';
  /** y per x (category or value axis), or [x, y] points for scatter / value axes; null = gap. */
  data: (number | null)[] | [number, number][];
  /** For 'band': the lower and upper edges per x. */
  lower?: (number | null)[];
  upper?: (number | null)[];
}

export interface ChartSection {
  kind: 'chart';
  id: string;
  title: Text;
  x: { label: Text; type: 'category' | 'value' | 'log'; categories?: string[] };
  y: { label: Text; type: 'value' | 'log' };
  series: ChartSeries[];
  note?: Text;
}

export interface TextSection {
  kind: 'text';
  id: string;
  title?: Text;
  text: Text;
}

export type Section = TableSection | FiguresSection | ChartSection | TextSection;

export interface Report {
  kind: ReportKind;
  title: Text;
  /** When the report was made (ISO time, UTC). */
  generatedAt: string;
  /** What the data are as of: the snapshot served (null from the CLI on analytics.duckdb) and the last data day. */
  asOf: { snapshot: number | null; lastDay: string | null };
  /** The request, normalised (defaults filled in): the same parameters give the same figures. */
  params: Record<string, string | number | null>;
  /** The workspace's records are synthetic: every page says so. */
  synthetic: boolean;
  /** Disclosure control applied (k, method): the privacy note quotes it. */
  privacy: { k: number; method: string; note: Text };
  sections: Section[];
  definitions: { term: Text; text: Text }[];
  sources: Text[];
}
