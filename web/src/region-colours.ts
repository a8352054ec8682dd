/**
 * ColorBrewer "Set3", 12 classes (Cynthia Brewer, colorbrewer2.org): qualitative and light enough for
 * white borders and dark tooltips. Twelve is more than a planar map needs, so neighbours can always
 * differ and the spare colours spread the palette over the whole map.
 */
export const palette = [
  '#8dd3c7',
  '#ffffb3',
  '#bebada',
  '#fb8072',
  '#80b1d3',
  '#fdb462',
  '#b3de69',
  '#fccde5',
  '#d9d9d9',
  '#bc80bd',
  '#ccebc5',
  '#ffed6f',
] as const;

/** FNV-1a: a stable, well-spread start colour for each code. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A palette index per region such that regions sharing a border get different colours
 * (`neighbours[i]` lists the regions that border region i, as topojson-client's `neighbors` gives).
 * Greedy, most-connected first (Welsh and Powell 1967); each region starts its search at a colour
 * picked from its code, so that all colours are used rather than mostly the first few.
 */
export function colourRegions(neighbours: number[][], codes: string[], size = palette.length): number[] {
  const colour: number[] = codes.map(() => -1);
  const order = codes.map((_, i) => i);
  order.sort((a, b) => (neighbours[b]?.length ?? 0) - (neighbours[a]?.length ?? 0) || a - b);
  for (const i of order) {
    const taken = new Array<number>(size).fill(0);
    for (const j of neighbours[i] ?? []) {
      const c = colour[j] ?? -1;
      if (c >= 0) taken[c]! += 1;
    }
    const start = hash(codes[i] ?? '') % size;
    let best = start;
    // A free colour when there is one, else the one fewest neighbours have (needs > `size` neighbours).
    for (let k = 0; k < size; k++) {
      const c = (start + k) % size;
      if (taken[c] === 0) {
        best = c;
        break;
      }
      if (taken[c]! < taken[best]!) best = c;
    }
    colour[i] = best;
  }
  return colour;
}
