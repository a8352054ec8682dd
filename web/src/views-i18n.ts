// Strings of the risk, forecast, tracing, admin and map-layers views added for issue 16 (the older ones stay in
// i18n.ts). Chinese is the default language; every key exists in both tables.
import { useContext } from 'react';
import { LangContext } from './i18n.ts';
import type { Lang } from './i18n.ts';

const en = {
  // Map layers.
  layersLegendCensus: 'Resident population, 2020 census (people)',
  layersLegendSynthetic: 'Synthetic population (people)',
  layersNoData: 'No data (no census count)',
  layersNoDataWhere: 'Taiwan, Hong Kong and Macao (and Kinmen county) have no census count here.',
  layersClassRegions: (n: number) => `${n} regions`,
  layersSource: (day: string) =>
    `Source: 7th National Population Census (National Bureau of Statistics of China), county counts summed ` +
    `to cities and provinces; census reference day ${day}.`,
  layersSyntheticSource:
    'Synthetic population: each community gets a share of its county’s census population in proportion to ' +
    'its area (uniform density assumed). Not real figures.',
  layersLabels: {
    province: 'Names: every province is labelled.',
    city: 'Names: the most populous cities (two darkest classes) where they fit; hover over any city for its name.',
    county: 'Names: hover over a county (zoom in with the mouse wheel to find small ones).',
    community: 'Names: hover over a community.',
  },
  layersCode: 'Code',
  layersPopulation: 'Population',
  layersPeople: (n: string) => `${n} people`,
  layersNoFigures: 'This layer has no figures: boundaries only.',
  layersSyntheticName: (county: string, street: string, community: string) =>
    `${county}, synthetic street ${street}, community ${community}`,
  layersSyntheticMark: ' (synthetic)',
  colNameZh: 'Name (Chinese)',
  colNameEn: 'Name (English)',
};

export type ViewsStrings = typeof en;

const zh: ViewsStrings = {
  layersLegendCensus: '常住人口（2020 年第七次全国人口普查，人）',
  layersLegendSynthetic: '合成人口（人）',
  layersNoData: '无数据（无普查人口）',
  layersNoDataWhere: '台湾、香港、澳门（及金门县）在此无普查人口数据。',
  layersClassRegions: (n: number) => `${n} 个区域`,
  layersSource: (day: string) =>
    `来源：第七次全国人口普查（国家统计局），县级人口汇总至地市和省；普查标准时点 ${day}。`,
  layersSyntheticSource:
    '合成人口：每个社区按面积占其所在县区普查人口的相应份额（假定人口密度均匀），并非真实数字。',
  layersLabels: {
    province: '名称：显示全部省份名称。',
    city: '名称：空间允许处显示人口最多两档城市的名称；鼠标悬停可查看任一城市。',
    county: '名称：鼠标悬停于县区上查看（滚动鼠标滚轮放大以查找较小县区）。',
    community: '名称：鼠标悬停于社区上查看。',
  },
  layersCode: '代码',
  layersPopulation: '人口',
  layersPeople: (n: string) => `${n} 人`,
  layersNoFigures: '此图层无数值数据，仅显示边界。',
  layersSyntheticName: (county: string, street: string, community: string) =>
    `${county} 合成街道 ${street} 社区 ${community}`,
  layersSyntheticMark: '（合成）',
  colNameZh: '名称',
  colNameEn: '英文名称',
};

/** The views' string tables, one per language. */
export const viewsStrings: Record<Lang, ViewsStrings> = { en, zh };

/** The views' strings in the current language. */
export function useViewsStrings(): ViewsStrings {
  return viewsStrings[useContext(LangContext)];
}

/** A place's name in the page's language: the English name in English when there is one, else the Chinese. */
export function placeName(lang: Lang, name: string, nameEn: string | undefined): string {
  return lang === 'en' && nameEn ? nameEn : name;
}
