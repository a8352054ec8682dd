import { describe, expect, it } from 'vitest';
import { classColours, classIndex, populationClasses, roundTwo } from './layers-scale.ts';

describe('population classes', () => {
  it('rounds inner breaks to two significant digits', () => {
    expect(roundTwo(12_345)).toBe(12_000);
    expect(roundTwo(987)).toBe(990);
    expect(roundTwo(3)).toBe(3);
  });

  it('keeps the real bounds, puts every positive value in exactly one class and none of zero', () => {
    const values = [0, 0, 1_234, 5_678, 20_001, 88_000, 120_500, 450_000, 1_000_000, 12_345_678];
    const classes = populationClasses(values);
    expect(classes[0]?.lo).toBe(1_234);
    expect(classes.at(-1)?.hi).toBe(12_345_678);
    expect(classes.reduce((s, c) => s + c.regions, 0)).toBe(8);
    for (const v of values) {
      const i = classIndex(classes, v);
      if (v === 0) expect(i).toBe(-1);
      else expect(classes[i]!.lo <= v && v <= classes[i]!.hi).toBe(true);
    }
    expect(classIndex(classes, 12_345_678)).toBe(classes.length - 1);
    // Inner edges are consecutive: each class starts where the previous ends.
    for (let i = 1; i < classes.length; i++) expect(classes[i]!.lo).toBe(classes[i - 1]!.hi);
    expect(classes.map((c) => c.colour)).toEqual([...classColours]);
  });

  it('collapses equal breaks rather than making empty classes', () => {
    const classes = populationClasses([5, 5, 5, 5, 5, 5, 9]);
    expect(classes.every((c) => c.regions > 0)).toBe(true);
    expect(populationClasses([0, 0])).toEqual([]);
    expect(populationClasses([7]).map((c) => [c.lo, c.hi, c.regions])).toEqual([[7, 7, 1]]);
  });
});
