import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Duck } from '../db/duck.ts';
import { hmacParams, pseudonym, pseudonymSql } from './pseudonymise.ts';

/**
 * Known-answer vectors of RFC 4231 section 4 (HMAC-SHA-256), the ones whose
 * data is text (pseudonyms are keyed hashes of identifiers as UTF-8 text).
 * Cases 6 and 7 use a 131-byte key, longer than the 64-byte block, which HMAC
 * hashes first (RFC 2104 section 2): they guard test/mutants/hmac-prehash-removed.patch
 * (key cut to 64 bytes instead), which every key of at most 64 bytes lets through.
 * A pseudonym is the first 128 bits (32 hex characters) of the HMAC.
 */
const RFC4231: { case: number; key: Buffer; data: string; hmac: string }[] = [
  {
    case: 1,
    key: Buffer.alloc(20, 0x0b),
    data: 'Hi There',
    hmac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  },
  {
    case: 2,
    key: Buffer.from('Jefe'),
    data: 'what do ya want for nothing?',
    hmac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
  {
    case: 6,
    key: Buffer.alloc(131, 0xaa),
    data: 'Test Using Larger Than Block-Size Key - Hash Key First',
    hmac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    case: 7,
    key: Buffer.alloc(131, 0xaa),
    data:
      'This is a test using a larger than block-size key and a larger than block-size data. ' +
      'The key needs to be hashed before being used by the HMAC algorithm.',
    hmac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

let db: Duck;
beforeAll(async () => {
  db = await Duck.open({ path: ':memory:' });
});
afterAll(() => db.close());

/** The pseudonym DuckDB computes on a row, as the ingest does it. */
async function inSql(key: Buffer, id: string): Promise<string> {
  const r = await db.one<{ p: string }>(`SELECT ${pseudonymSql('$id')} AS p`, { ...hmacParams(key), id });
  return r!.p;
}

describe('pseudonyms: HMAC-SHA-256 known answers (RFC 4231)', () => {
  it.each(RFC4231)('case $case in TypeScript', ({ key, data, hmac }) => {
    expect(pseudonym(key, data)).toBe(hmac.slice(0, 32));
  });

  it.each(RFC4231)(
    'case $case in DuckDB SQL (ipad/opad bound, key of $key.length bytes)',
    async ({ key, data, hmac }) => {
      expect(await inSql(key, data)).toBe(hmac.slice(0, 32));
    },
  );

  it('agrees between SQL and TypeScript at key lengths 32, 63, 64, 65 and 200 bytes and on non-ASCII ids', async () => {
    for (const n of [32, 63, 64, 65, 200]) {
      const key = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) % 256));
      for (const id of ['13800000000', '  padded ', '测试用户-0001'])
        expect(await inSql(key, id)).toBe(pseudonym(key, id));
    }
  });
});
