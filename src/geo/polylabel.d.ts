// polylabel 2.1 ships no types; this is the one call we use (README of mapbox/polylabel).
declare module 'polylabel' {
  /** The pole of inaccessibility of a polygon (rings of [x, y]), within `precision` units. */
  export default function polylabel(
    polygon: number[][][],
    precision?: number,
  ): [number, number] & { distance: number };
}
