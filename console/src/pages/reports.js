// Reports whose RPCs another change is adding (scoring's GetCohortReport and EvaluateClvModel).
// The hook: when /openapi.json lists one, its renderer draws it; until then a note says what
// will appear. A renderer receives the section and the RPC's JSON answer.
import { call, offers } from '../api.js';
import { t } from '../i18n.js';
import { el } from '../format.js';

export const PENDING_REPORTS = [
  { service: 'scoring', method: 'GetCohortReport', render: renderGenericReport },
  { service: 'scoring', method: 'EvaluateClvModel', render: renderGenericReport },
];

// Until the real charts are written against the real messages: the answer's top-level
// figures, so the data is at least visible.
function renderGenericReport(section, method, answer) {
  const rows = Object.entries(answer).filter(([, v]) => typeof v !== 'object')
    .map(([name, value]) => el('tr', {}, el('td', {}, name), el('td', { class: 'n' }, String(value))));
  section.append(el('h2', {}, method), el('table', {}, el('tbody', {}, rows)));
}

export async function renderPendingReports(section) {
  section.replaceChildren(el('h2', {}, t('overview.cohorts')));
  let shown = 0;
  for (const report of PENDING_REPORTS) {
    if (await offers(report.service, report.method)) {
      try {
        report.render(section, report.method, await call(report.service, report.method, {}));
        shown += 1;
      } catch (error) {
        section.append(el('p', { class: 'error' }, t('error', { message: error.message })));
      }
    }
  }
  if (!shown) {
    section.append(el('p', { class: 'muted', dataset: { test: 'cohort-pending' } }, t('overview.cohortsPending')));
  }
}
