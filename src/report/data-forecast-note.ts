import type { ObservedDay } from '../epi/published.ts';
import { round } from './data-common.ts';
import type { Cell, Report, TableSection } from './model.ts';

/** The forecast report's honest note on its fit and its definitions. */

/** Days compared at the end of the fit for the honest note. */
export const LAST_DAYS = 7;

/**
 * A fit is called poor when the observed sum of the last days and the fitted sum differ by more than this factor
 * (either way): a house threshold for the note, not an external figure.
 */
export const POOR_FACTOR = 2;

function obsCell(o: ObservedDay, k: number): Cell {
  return o.suppressed || o.count === null ? { lt: k } : o.count;
}

/** The observed and fitted on the last published days, and the honest note when they disagree. */
export function fitNote(observed: ObservedDay[], k: number): TableSection {
  const last = observed.slice(-LAST_DAYS);
  const both = last.filter((o) => o.count !== null && o.fitted !== null);
  const obs = both.reduce((s, o) => s + o.count!, 0);
  const fit = both.reduce((s, o) => s + o.fitted!, 0);
  const poor = both.length > 0 && (obs > POOR_FACTOR * fit || fit > POOR_FACTOR * obs) && obs + fit > 0;
  return {
    kind: 'table',
    id: 'fit-last-days',
    title: {
      zh: `拟合的最后 ${LAST_DAYS} 天：观测与拟合`,
      en: `The fit's last ${LAST_DAYS} days: observed and fitted`,
    },
    columns: [
      { key: 'day', label: { zh: '日期', en: 'Day' } },
      { key: 'observed', label: { zh: '观测', en: 'Observed' }, basis: 'registry' },
      { key: 'fitted', label: { zh: '拟合', en: 'Fitted' }, basis: 'model', digits: 1 },
    ],
    rows: last.map((o) => ({ day: o.day, observed: obsCell(o, k), fitted: round(o.fitted, 1) })),
    note: poor
      ? {
          zh: `拟合不佳：最后 ${both.length} 个已发布日观测共 ${obs} 例，拟合共 ${round(fit, 1)} 例，相差超过 ${POOR_FACTOR} 倍；预测应谨慎看待（README“The demo's forecast for Wuhan is poor”）。`,
          en: `The fit is poor: over the last ${both.length} published days ${obs} cases were observed against ${round(fit, 1)} fitted, more than a factor ${POOR_FACTOR} apart; read the forecast with care (README "The demo's forecast for Wuhan is poor").`,
        }
      : {
          zh: `最后 ${both.length} 个已发布日观测共 ${obs} 例，拟合共 ${round(fit, 1)} 例。`,
          en: `Over the last ${both.length} published days ${obs} cases were observed against ${round(fit, 1)} fitted.`,
        },
  };
}

export function forecastDefinitions(): Report['definitions'] {
  return [
    {
      term: { zh: '预测', en: 'Forecast' },
      text: {
        zh: '集合调整卡尔曼滤波（EAKF）拟合的 SEIR 型城市间传播模型（仿照 Li 等 2020），按集合成员给出每日人数的中位数和分位数；50% 和 90% 区间为 25%-75% 和 5%-95% 分位数。',
        en: 'A SEIR-type metapopulation model fitted with an ensemble adjustment Kalman filter (after Li et al. 2020); the median and quantiles of the daily counts across ensemble members; the 50% and 90% bands are the 25-75% and 5-95% quantiles.',
      },
    },
    {
      term: { zh: '观测', en: 'Observed' },
      text: {
        zh: '病例登记中按确诊日计数的每日确诊；低于 k 的计数被抑制（0 照常发布），组合地区为各成员已发布计数之和。',
        en: "Daily confirmed of the case registry by confirmation day; counts below k are suppressed (0 is published as 0), a group is the sum of its members' published counts.",
      },
    },
  ];
}
