import { useContext } from 'react';
import type { DisclosureMethod } from './api.ts';
import type { Figure } from './flows-api.ts';
import { expandedText, intervalText, sampleText } from './flows-format.ts';
import { useFlowsStrings } from './flows-i18n.ts';
import { LangContext } from './i18n.ts';

type Props = { label: string; figure: Figure; k: number; synthetic: boolean; testId: string };

/** The total: sample count and expanded estimate with its 95% interval side by side, each labelled. */
export function FlowsSummary({ label, figure, k, synthetic, testId }: Props) {
  const t = useFlowsStrings();
  const lang = useContext(LangContext);
  const interval = intervalText(figure, t, lang);
  return (
    <div className="flows-summary" data-testid={testId}>
      <div className="flows-figure">
        <span className="flows-figure-label">
          {label} · {t.sampleLabel}
        </span>
        <strong data-testid={`${testId}-sample`} data-value={figure.count ?? ''}>
          {sampleText(figure, k, t, lang)}
        </strong>
        <span className="muted small" data-testid={`${testId}-excluded`}>
          {t.excludedCells(figure.suppressedCells, k)}
        </span>
      </div>
      <div className="flows-figure">
        <span className="flows-figure-label">{t.expandedLabel}</span>
        <strong data-testid={`${testId}-expanded`} data-value={figure.expanded?.value ?? ''}>
          {expandedText(figure, k, t, lang)}
        </strong>
        <span className="muted small" data-testid={`${testId}-interval`}>
          {interval ? `${t.interval}: ${interval}` : figure.count !== null ? t.notAvailableWhy : ''}
        </span>
      </div>
      {synthetic && (
        <span className="flows-synthetic" data-testid="flows-synthetic">
          {t.synthetic}
        </span>
      )}
    </div>
  );
}

/** The definitions behind every number of the view, and the disclosure note. */
export function FlowsDefinitions(p: { method: DisclosureMethod; compact: boolean; returnees?: boolean }) {
  const { method, compact } = p;
  const t = useFlowsStrings();
  if (compact)
    return (
      <p className="flows-definitions-compact" data-testid="flows-definitions">
        {t.defWasThere} {t.defExpansion}
      </p>
    );
  return (
    <div className="flows-definitions" data-testid="flows-definitions">
      <h3>{t.definitionsTitle}</h3>
      <ul>
        <li>{t.defWasThere}</li>
        <li>{t.defSample}</li>
        <li>{t.defExpansion}</li>
        <li>{t.defInterval}</li>
      </ul>
      <p className="muted small" data-testid="disclosure-note">
        {t.perturbedNote(method.k, method.noiseBound, p.returnees ? t.cellsReturnees : t.cellsOd)}
      </p>
    </div>
  );
}
