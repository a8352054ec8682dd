// A page with the dashboard kit's parts on synthetic rows, built only by web/src/kit.browser.test.ts (never part
// of the dashboard's build): ?lang=en|zh.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { AsOf } from '../as-of.tsx';
import type { Meta } from '../api.ts';
import { DayRange } from '../day-range.tsx';
import { ExportButtons } from '../export.tsx';
import type { ExportColumn } from '../export.tsx';
import { LangContext } from '../i18n.ts';
import type { Lang } from '../i18n.ts';
import { RegionPicker } from '../region-picker.tsx';
import type { PickerRegion } from '../region-picker.tsx';
import '../style.css';

const REGIONS: PickerRegion[] = [
  { code: '420100', name: '武汉市', nameEn: 'Wuhan', pinyin: 'Wuhan' },
  { code: '420200', name: '黄石市', nameEn: 'Huangshi', pinyin: 'Huangshi' },
  { code: '540100', name: '拉萨市', nameEn: 'Lhasa', pinyin: 'Lasa' },
  { code: '650100', name: '乌鲁木齐市', nameEn: 'Urumqi', pinyin: 'Wulumuqi' },
];
const DAYS = ['2020-01-16', '2020-01-17', '2020-01-18'];

type Row = { code: string; name: string; count: number | null; suppressed: boolean };
const ROWS: Row[] = [
  { code: '420100', name: '武汉市', count: 1234567, suppressed: false },
  { code: '540100', name: 'Lhasa, "the city"', count: null, suppressed: true },
];
const COLUMNS: ExportColumn<Row>[] = [
  { key: 'code', header: '代码', value: (r) => r.code },
  { key: 'name', header: '名称', value: (r) => r.name },
  { key: 'count', header: '人数', value: (r) => r.count },
  { key: 'suppressed', header: '已抑制', value: (r) => r.suppressed },
];
const META = {
  scenario: { name: 'harness', synthetic: true, description: '', from: DAYS[0], to: DAYS[2] },
  k: 15,
  snapshot: {
    id: 3,
    publishedAt: '2026-12-01T23:40:00Z',
    days: { first: '2020-01-16', last: '2020-01-23', count: 8 },
  },
} as Meta;

function Harness() {
  const lang: Lang = new URLSearchParams(window.location.search).get('lang') === 'en' ? 'en' : 'zh';
  const [code, setCode] = useState('420100');
  const [range, setRange] = useState<[string, string]>([DAYS[0]!, DAYS[2]!]);
  return (
    <LangContext.Provider value={lang}>
      <div className="toolbar">
        <RegionPicker regions={REGIONS} value={code} onChange={setCode} label="城市 / City" testId="picker" />
        <DayRange
          days={DAYS}
          from={range[0]}
          to={range[1]}
          onChange={(f, t) => setRange([f, t])}
          testId="range"
        />
      </div>
      <p data-testid="chosen">{`${code} ${range[0]} ${range[1]}`}</p>
      <AsOf meta={META} />
      <ExportButtons name="harness-table" rows={ROWS} columns={COLUMNS} synthetic />
    </LangContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(<Harness />);
