import { describe, expect, it } from 'vitest';
import { UserError } from '../errors.ts';
import { CHINA_ALBERS as CHINA, albers, fitScaleTranslate, linearFit, unscale } from './albers.ts';

describe('albers', () => {
  it("reproduces Snyder's worked example (Map Projections: A Working Manual, 1987, p. 292)", () => {
    // Clarke 1866, phi1 29.5N, phi2 45.5N, origin 23N 96W; (35N, 75W) -> x 1,885,472.7 m, y 1,535,925.0 m.
    const usa = albers({ phi1: 29.5, phi2: 45.5, lat0: 23, lon0: -96 }, 'clrk66');
    const [x = NaN, y = NaN] = usa.forward([-75, 35]);
    expect(x).toBeCloseTo(1_885_472.7, 1);
    expect(y).toBeCloseTo(1_535_925.0, 1);
  });

  it('maps the origin to (0, 0) and round-trips points across China to 1e-9 degrees', () => {
    const p = albers(CHINA);
    const [x0 = NaN, y0 = NaN] = p.forward([104.5, 36]);
    expect(Math.abs(x0)).toBeLessThan(1e-6);
    expect(Math.abs(y0)).toBeLessThan(1e-6);
    for (let lon = 73; lon <= 135; lon += 7.75) {
      for (let lat = 4; lat <= 54; lat += 5) {
        const [lon2 = NaN, lat2 = NaN] = p.inverse(p.forward([lon, lat]));
        expect(Math.abs(lon2 - lon)).toBeLessThan(1e-9);
        expect(Math.abs(lat2 - lat)).toBeLessThan(1e-9);
      }
    }
  });

  it('is equal-area: a 1-degree cell at 30N covers about 10,700 km2 wherever it is', () => {
    const p = albers(CHINA);
    const area = (lon: number) => {
      const c = [
        [lon, 30],
        [lon + 1, 30],
        [lon + 1, 31],
        [lon, 31],
      ].map((q) => p.forward(q));
      let a = 0;
      c.forEach(([x0 = 0, y0 = 0], i) => {
        const [x1 = 0, y1 = 0] = c[(i + 1) % c.length] ?? [];
        a += x0 * y1 - x1 * y0;
      });
      return Math.abs(a) / 2 / 1e6;
    };
    // Straight edges in the projection differ from the true parallels a little; 0.1% is plenty.
    expect(area(80) / area(120)).toBeCloseTo(1, 3);
    expect(area(104)).toBeGreaterThan(10_600);
    expect(area(104)).toBeLessThan(10_800);
  });
});

describe('fitScaleTranslate', () => {
  it('recovers a known scale/translate and inverts it', () => {
    const projected = [
      [0, 0],
      [1000, 500],
      [-2000, 3000],
      [500, -700],
    ];
    const file = projected.map(([x = 0, y = 0]) => [48 * x - 2_500_000, 55 * y + 1000]);
    const t = fitScaleTranslate(projected, file);
    expect(t.scaleX).toBeCloseTo(48, 9);
    expect(t.scaleY).toBeCloseTo(55, 9);
    expect(t.translateX).toBeCloseTo(-2_500_000, 4);
    expect(t.translateY).toBeCloseTo(1000, 4);
    const [x = NaN, y = NaN] = unscale(t, file[1] ?? []);
    expect(x).toBeCloseTo(1000, 6);
    expect(y).toBeCloseTo(500, 6);
  });

  it('refuses fewer than two pairs', () => {
    expect(() => linearFit([1], [2])).toThrow(UserError);
  });
});
