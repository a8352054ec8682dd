import type { SourcesInput } from './sources.ts';

/** Made-up figures for ten Hubei cities (not Jia et al.'s data): outflow from Wuhan and cumulative cases. */
export const FIXTURE: SourcesInput[] = [
  { code: '420900', name: '孝感市', outflow: 412_000, cases: 3_518 },
  { code: '421100', name: '黄冈市', outflow: 389_000, cases: 2_907 },
  { code: '421000', name: '荆州市', outflow: 205_000, cases: 1_580 },
  { code: '420600', name: '襄阳市', outflow: 171_000, cases: 1_175 },
  { code: '421300', name: '随州市', outflow: 96_000, cases: 1_307 },
  { code: '420800', name: '荆门市', outflow: 88_000, cases: 928 },
  { code: '420700', name: '鄂州市', outflow: 120_000, cases: 1_394 },
  { code: '420500', name: '宜昌市', outflow: 150_000, cases: 931 },
  { code: '422800', name: '恩施土家族苗族自治州', outflow: 41_000, cases: 252 },
  { code: '429021', name: '神农架林区', outflow: 2_300, cases: 11 },
];
