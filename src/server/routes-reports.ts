import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HttpError, UserError } from '../errors.ts';
import type { AuditLog } from '../privacy/audit.ts';
import { buildRequested, reportKeys, reportKind, reportRequest } from '../report/build.ts';
import type { ReportContext, ReportParams, ReportRequest } from '../report/build.ts';
import type { Lang, Report, ReportKind } from '../report/model.ts';
import { closePdfBrowser, pdfQueueLength, printPdf } from '../report/pdf.ts';
import { renderReportHtml, reportPrintOptions } from '../report/render.ts';
import { dataWindow } from '../snapshot/source.ts';
import type { Accounts } from './accounts.ts';
import { RetryLater } from './limits.ts';
import { preferredLang } from './messages.ts';
import { requireInScope, visibleRegion } from './scope.ts';
import { requireAccount } from './session.ts';
import { onlyKeys, parse } from './validate.ts';

const Output = z.object({
  format: z.enum(['json', 'html', 'pdf']).default('pdf'),
  lang: z.enum(['zh', 'en']).optional(),
});

/** Prints allowed to wait behind the one printing: a browser print takes seconds, so a longer queue is refused (503). */
export const MAX_PRINTS_WAITING = 4;

/**
 * Refuses a print (503 with Retry-After) when `queued` prints (running or waiting, pdfQueueLength() of
 * src/report/pdf.ts, which prints one at a time) already fill the one running and `maxWaiting` waiting.
 */
export function admitPrint(queued: number, maxWaiting = MAX_PRINTS_WAITING): void {
  if (queued > maxWaiting) throw new RetryLater(503, 'too many reports are being printed: retry shortly', 10);
}

/** The field a report's request is scoped on (as the API route it draws from) and its code. */
function scopeOf(kind: ReportKind, p: ReportRequest): { field: string; code: string } {
  const field = kind === 'outflow' ? 'origin' : kind === 'forecast' ? 'region' : 'city';
  return { field, code: String(p[field]) };
}

/** The report's language: the query's, else the Accept-Language header's, else Chinese (the platform's users). */
function langOf(req: FastifyRequest, lang: Lang | undefined): Lang {
  if (lang) return lang;
  // Absent, "*" (what fetch sends by default) or neither language (fr): Chinese, unless English is preferred.
  return preferredLang(req.headers['accept-language'], 'zh');
}

/** `[SYNTHETIC-]epitrace-<kind>-<region>-<day>.pdf`: the download's name says what and when, and synthetic. */
export function reportFileName(r: Report): string {
  const p = r.params;
  const region = String(p['origin'] ?? p['city'] ?? p['region'] ?? 'all');
  const day = String(p['to'] ?? p['day'] ?? r.asOf.lastDay ?? r.generatedAt.slice(0, 10));
  return `${r.synthetic ? 'SYNTHETIC-' : ''}epitrace-${r.kind}-${region}-${day}.pdf`;
}

/** GET /api/reports/:kind (issue 17): a report as JSON, HTML or PDF, from the same functions as the API. */
export async function registerReports(
  app: FastifyInstance,
  d: { k: number; accounts: Accounts; audit: AuditLog; now: () => Date; maxSpanDays: number },
): Promise<void> {
  // The shared browser is launched on the first print; the server's close ends it.
  app.addHook('onClose', () => closePdfBrowser());

  app.get<{ Params: { kind: string }; Querystring: Record<string, string | undefined> }>(
    '/api/reports/:kind',
    async (req, reply) => {
      const account = requireAccount(d.accounts, req);
      const kind = reportKind(req.params.kind);
      // Unknown keys are refused before anything is cached under them (zod would drop them silently).
      const keys = reportKeys(kind);
      onlyKeys(req.query, ['format', 'lang', ...keys], `this report takes ${keys.join(', ')}`);
      const { format: f, lang: l, ...params } = req.query ?? {};
      const out = parse(Output, { format: f, lang: l });
      const snap = req.snapshot;
      const ctx: ReportContext = {
        duck: snap.duck,
        info: snap.info,
        k: d.k,
        snapshot: snap.manifest.id,
        window: dataWindow(snap),
        lastDay: snap.manifest.days?.last ?? null,
        maxSpanDays: d.maxSpanDays,
        now: d.now,
      };
      const p = await req.cached(['request', kind, params], () =>
        reportRequest(ctx, kind, params as ReportParams),
      );
      // Defaults (the epicentre) may lie outside the account's regions: checked after they are filled in.
      const scope = scopeOf(kind, p);
      if (kind === 'forecast') {
        if (!visibleRegion(account, scope.code))
          throw new HttpError(403, `region: ${scope.code} is outside the regions of this account`, 'region');
      } else requireInScope(account, scope.code, scope.field);
      d.audit.record(account.username, `report.${kind}`, { ...p, format: out.format });
      const report = await req.cached(['report', kind, p], () => buildRequested(ctx, kind, p));
      if (out.format === 'json') return report;
      const lang = langOf(req, out.lang);
      const html = renderReportHtml(report, lang);
      if (out.format === 'html') return reply.type('text/html; charset=utf-8').send(html);
      admitPrint(pdfQueueLength());
      let pdf: Buffer;
      try {
        pdf = await printPdf(html, reportPrintOptions(report, lang));
      } catch (e) {
        // No browser on this machine: the message names the fix (install chromium or set EPITRACE_CHROMIUM).
        if (e instanceof UserError) throw new HttpError(503, e.message);
        throw e;
      }
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${reportFileName(report)}"`)
        .send(pdf);
    },
  );
}
