import { useFlowsStrings } from './flows-i18n.ts';

/** One message in place of the charts: what the state means and what to do. */
function StateMessage(p: { title: string; what: string; todo: string; testId: string; kind: string }) {
  return (
    <div className={`flows-state flows-state-${p.kind}`} role="status" data-testid={p.testId}>
      <h3>{p.title}</h3>
      <p>{p.what}</p>
      <p>{p.todo}</p>
    </div>
  );
}

/** Every figure of the selection is below k; what to do differs for returnees (cities only). */
export function AllSuppressed({ k, returnees = false }: { k: number; returnees?: boolean }) {
  const t = useFlowsStrings();
  return (
    <StateMessage
      kind="suppressed"
      title={t.allSuppressedTitle}
      what={t.allSuppressed(k)}
      todo={returnees ? t.allSuppressedDoReturnees : t.allSuppressedDo}
      testId="flows-all-suppressed"
    />
  );
}

/** No trip at all recorded for the selection. */
export function ZeroFlow() {
  const t = useFlowsStrings();
  return <StateMessage kind="zero" title={t.zeroTitle} what={t.zero} todo={t.zeroDo} testId="flows-zero" />;
}

/** The API refused or failed; its message (in the page's language, decision 5) and what to do. */
export function FlowsError({ message }: { message: string }) {
  const t = useFlowsStrings();
  return (
    <div className="flows-state flows-state-error error" role="alert" data-testid="flows-error">
      <h3>{t.error}</h3>
      <p>{message}</p>
      <p>{t.errorDo}</p>
    </div>
  );
}
