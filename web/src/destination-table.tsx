import type { Destination } from './api.ts';
import { countText } from './format.ts';
import { useStrings } from './i18n.ts';

type Props = { destinations: Destination[]; k: number; label: (d: Destination) => string };

/** Every destination city in the API's order (largest first, suppressed last by code), with its cells below k. */
export function DestinationTable({ destinations, k, label }: Props) {
  const t = useStrings();
  return (
    <div className="table-wrap">
      <table className="destinations" data-testid="outflow-table">
        <thead>
          <tr>
            <th className="num">{t.rank}</th>
            <th>{t.city}</th>
            <th>{t.province}</th>
            <th className="num">{t.people}</th>
            <th className="num">{t.cellsBelowK(k)}</th>
          </tr>
        </thead>
        <tbody>
          {destinations.map((d, i) => (
            <tr key={d.code} className={d.suppressed ? 'suppressed' : undefined}>
              <td className="num">{i + 1}</td>
              <td>{label(d)}</td>
              <td>{d.provinceName}</td>
              <td className="num">{countText(d, k, t)}</td>
              <td className="num">{d.suppressedCells}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
