import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../cli/serve.ts';
import { openAppDb } from '../db/sqlite.ts';
import { pipelineFixture } from '../testing/fixture.ts';
import { Client } from '../testing/http.ts';
import { Accounts } from './accounts.ts';
import { MESSAGES, lookup, preferredLang, translate } from './messages.ts';

const SRC = new URL('../', import.meta.url).pathname;

/** Every .ts source file under src/ except tests. */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

/** The message argument of every `new HttpError(` / `new RetryLater(` in the source, as a sample string. */
function thrownMessages(): { file: string; literal: string; sample: string | null }[] {
  const out: { file: string; literal: string; sample: string | null }[] = [];
  const re = /new (?:HttpError|RetryLater)\(\s*\d+,\s*(`[^`]*`|'[^']*'|"[^"]*"|[^,)]+)/g;
  for (const file of sources()) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(re)) {
      const literal = m[1]!.trim();
      // Template values become sample words, so a template's placeholders match them.
      let i = 0;
      const sample = /^[`'"]/.test(literal)
        ? literal.slice(1, -1).replace(/\$\{[^}]*\}/g, () => `V${i++}`)
        : null;
      out.push({ file: file.slice(SRC.length), literal, sample });
    }
  }
  return out;
}

/**
 * Messages that are not literals: a UserError's own message passed on (tracing, risk; English, from the
 * CLI's shared checks) and the validation wrapper, whose details go through zod's zh-CN locale and the
 * catalogue's detail entries.
 */
const PASSED_ON = new Set([
  'server/routes-tracing.ts:e.message',
  'server/routes-risk.ts:e.message',
  'server/routes-reports.ts:e.message',
  'public/data.ts:e.message',
  // riskKProblem (src/risk/query.ts): its message is in the catalogue.
  'server/routes-risk.ts:problem',
  'public/data.ts:problem',
]);
const VALIDATE = "`${field ?? 'request'}: ${issue?.message ?? 'invalid'}`";

describe('the message catalogue', () => {
  it('has a Chinese form for every template, with the same placeholders, and unique codes', () => {
    const codes = new Set<string>();
    for (const m of MESSAGES) {
      expect(m.zh, m.code).toMatch(/[\u4e00-\u9fff]/);
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort();
      expect(names(m.zh), m.code).toEqual(names(m.en));
      expect(codes.has(m.code), m.code).toBe(false);
      codes.add(m.code);
    }
  });

  it('has an entry for every HttpError message thrown in the source (new messages cannot be forgotten)', () => {
    const found = thrownMessages();
    // 42 HttpError sites at issue 16's start (+1: the login refusal now thrown) and the RetryLater ones.
    expect(found.length).toBeGreaterThanOrEqual(47);
    const missing = found.filter((f) => {
      if (f.sample === null) return !PASSED_ON.has(`${f.file}:${f.literal}`);
      if (f.literal === VALIDATE) return false;
      return lookup(f.sample) === undefined;
    });
    expect(missing).toEqual([]);
  });

  it('translates with the values kept, and leaves unknown messages English', () => {
    expect(translate('origin: 420102 is not a city code', 'zh')).toEqual({
      text: 'origin：420102 不是城市代码',
      code: 'not-a-city',
    });
    expect(translate('from: 2020-01-20 is after to 2020-01-16', 'zh').text).toBe(
      'from：2020-01-20 晚于 to 2020-01-16',
    );
    expect(translate('something new', 'zh')).toEqual({ text: 'something new' });
  });

  it('reads Accept-Language with q-values, English by default', () => {
    expect(preferredLang(undefined)).toBe('en');
    expect(preferredLang('zh-CN')).toBe('zh');
    expect(preferredLang('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(preferredLang('en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en');
    expect(preferredLang('en;q=0.2, zh;q=0.7')).toBe('zh');
    expect(preferredLang('fr-FR')).toBe('en');
    // The reports' fallback (Chinese): kept for an absent header, "*" and other languages, not over English.
    expect(preferredLang(undefined, 'zh')).toBe('zh');
    expect(preferredLang('*', 'zh')).toBe('zh');
    expect(preferredLang('fr-FR', 'zh')).toBe('zh');
    expect(preferredLang('fr,en;q=0.5', 'zh')).toBe('en');
    expect(preferredLang('en-GB,en;q=0.9', 'zh')).toBe('en');
  });
});

describe('error bodies over HTTP in zh and en', () => {
  let close: () => Promise<void>;
  let base: string;
  const PW = 'messages test password';
  const WEEK = 'from=2020-01-16&to=2020-01-22';

  beforeAll(async () => {
    const { ws } = await pipelineFixture('messages');
    const app = openAppDb(ws.sqlitePath);
    await new Accounts(app).upsert('analyst1', PW, 'analyst');
    app.close();
    const s = await startServer(ws, { host: '127.0.0.1', port: 0 });
    base = s.url;
    close = s.close;
  }, 120_000);
  afterAll(async () => close?.());

  const zh = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' };
  const en = { 'accept-language': 'en' };

  it('bad login', async () => {
    const c = new Client(base);
    const body = { username: 'analyst1', password: 'wrong password here' };
    expect((await c.send('POST', '/api/login', body, zh)).body).toEqual({
      error: '用户名或密码错误，或账号已过期',
      code: 'bad-login',
    });
    expect((await c.send('POST', '/api/login', body, en)).body['error']).toBe(
      'wrong username or password, or the account has expired',
    );
  });

  it('401, 403 wrong role, 400 bad field (zod and schema messages), 400 county', async () => {
    const c = new Client(base);
    expect((await c.send('GET', `/api/flows/outflow?origin=420100&${WEEK}`, undefined, zh)).body).toEqual({
      error: '未登录',
      code: 'not-logged-in',
    });
    expect((await c.send('GET', '/api/me', undefined, en)).body).toEqual({
      error: 'not logged in',
      code: 'not-logged-in',
    });
    await c.login('analyst1', PW);
    const role = await c.send('GET', '/api/admin/accounts', undefined, zh);
    expect(role.status).toBe(403);
    expect(role.body['error']).toBe('角色 analyst 无权使用此接口');
    expect((await c.send('GET', '/api/admin/accounts', undefined, en)).body['error']).toBe(
      'role analyst may not use this route',
    );
    const bad = await c.send('GET', `/api/flows/outflow?origin=42010&${WEEK}`, undefined, zh);
    expect(bad.body).toEqual({
      error: 'origin：应为 6 位城市或省级代码',
      field: 'origin',
      code: 'bad-region-code',
    });
    // zod's own message (a missing field) through zod's zh-CN locale.
    const missing = await c.send('GET', `/api/flows/outflow?${WEEK}`, undefined, zh);
    expect(missing.body['field']).toBe('origin');
    expect(missing.body['error']).toMatch(/^origin：.*[\u4e00-\u9fff]/);
    const missingEn = await c.send('GET', `/api/flows/outflow?${WEEK}`, undefined, en);
    expect(missingEn.body['error']).toMatch(/^origin: Invalid input/);
    const county = await c.send('GET', `/api/flows/outflow?origin=420102&${WEEK}`, undefined, zh);
    expect(county.status).toBe(400);
    expect(county.body).toMatchObject({ field: 'origin', code: 'county-not-published' });
    expect(county.body['error']).toMatch(/^origin：420102 是区县：区县级数据不发布/);
    const countyEn = await c.send('GET', `/api/flows/outflow?origin=420102&${WEEK}`, undefined, en);
    expect(countyEn.body['error']).toMatch(/^origin: 420102 is a county: county level is not published/);
    // No header: English.
    expect((await c.send('GET', `/api/flows/outflow?origin=420102&${WEEK}`)).body['error']).toMatch(
      /^origin: 420102 is a county/,
    );
  });
});
