import { describe, expect, it } from 'vitest';
import { caseInScope } from './routes-tracing.ts';

describe('caseInScope', () => {
  it.each([
    // [regions, county, city, in scope]
    ['*', null, null, true],
    ['420000', null, null, false],
    ['420100', '420111', '420100', true],
    ['420000', '420111', '420100', true],
    ['420111', '420111', '420100', true],
    ['420102', '420111', '420100', false],
    ['110000', '420111', '420100', false],
    // The county decides when both are given, the city when only it is.
    ['420100', '110101', '420100', false],
    ['420100', null, '420100', true],
    ['420102', null, '420100', false],
    ['110000,420100', '420111', '420100', true],
  ])('regions %s, county %s, city %s -> %s', (regions, county, city, expected) => {
    expect(caseInScope({ regions }, { county, city })).toBe(expected);
  });
});
