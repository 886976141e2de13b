// Segment builder: a rule with a live count preview (PreviewSegment), saving it, and the CSV
// export of a saved segment's consenting members.
import { call, downloadSegmentCsv } from '../api.js';
import { t, tOr } from '../i18n.js';
import { count, decimal, el, money, percent } from '../format.js';

const CHANNELS = ['email', 'sms', 'phone', 'push', 'messaging', 'post'];
const CHANNEL_ENUM = { email: 'EMAIL', sms: 'SMS', phone: 'PHONE', push: 'PUSH', messaging: 'MESSAGING', post: 'POST' };
const DEFAULT_RULE = 'tier in ("T1", "T2")';

function previewOf(preview) {
  const members = Number(preview.members || 0);
  const population = Number(preview.population || 0);
  const sample = (preview.sample || []).map((m) => el('tr', {},
    el('td', {}, el('a', { href: `#/client/${encodeURIComponent(m.clientId)}` }, m.clientId)),
    el('td', {}, t(`tier.${m.tier}`)),
    el('td', { class: 'n' }, decimal(m.score)),
    el('td', {}, tOr(`lifecycle.${m.lifecycle}`, m.lifecycle)),
    el('td', { class: 'n' }, money(m.clv12m))));
  return [
    el('p', { class: 'headline', dataset: { test: 'preview-count', members: String(members) } },
      t('segments.preview', { members: count(members), population: count(population),
        share: percent(population ? members / population : 0) })),
    el('p', {}, t('segments.revenue', { revenue: money(preview.revenue12m) })),
    el('p', { class: 'muted' }, (preview.tiers || []).map((b) => `${t(`tier.${b.tier}`)}: ${count(b.members)}`).join(' · ')),
    sample.length ? el('h2', {}, t('segments.sample')) : null,
    sample.length ? el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, t('churn.client')),
      el('th', {}, t('churn.tier')), el('th', { class: 'n' }, t('segments.score')),
      el('th', {}, t('segments.lifecycle')), el('th', { class: 'n' }, t('segments.clv')))), el('tbody', {}, sample)) : null,
  ];
}

function savedSegments(segments, status) {
  if (!segments.length) {
    return el('p', { class: 'muted' }, t('segments.none'));
  }
  const rows = segments.map((segment) => {
    const channel = el('select', { 'aria-label': t('segments.channel') },
      CHANNELS.map((c) => el('option', { value: c }, t(`channel.CONTACT_CHANNEL_${CHANNEL_ENUM[c]}`))));
    const exportButton = el('button', { type: 'button', dataset: { test: 'export', segment: segment.segmentId } }, t('segments.export'));
    exportButton.addEventListener('click', async () => {
      status.textContent = '';
      try {
        const bytes = await downloadSegmentCsv(segment.segmentId, channel.value);
        status.textContent = t('segments.exported', { bytes: count(bytes) });
        status.className = 'muted';
        status.dataset.bytes = String(bytes);
      } catch (error) {
        status.textContent = t('error', { message: error.message });
        status.className = 'error';
      }
    });
    return el('tr', { dataset: { test: 'segment-row', segment: segment.segmentId } },
      el('td', {}, segment.segmentId), el('td', {}, segment.name),
      el('td', {}, el('code', {}, segment.rule)), el('td', { class: 'row' }, channel, exportButton));
  });
  return el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, t('segments.saveId')),
    el('th', {}, t('segments.name')), el('th', {}, t('segments.rule')), el('th', {}, t('segments.channel')))),
  el('tbody', {}, rows));
}

export async function renderSegments(view) {
  const rule = el('textarea', { id: 'rule', spellcheck: 'false' });
  rule.value = DEFAULT_RULE;
  const preview = el('div', { dataset: { test: 'preview' } });
  const saveId = el('input', { id: 'segment-id', placeholder: t('segments.saveId') });
  const saveName = el('input', { id: 'segment-name', placeholder: t('segments.saveName') });
  const saveStatus = el('p', { class: 'muted' });
  const saveForm = el('form', { class: 'row' }, saveId, saveName,
    el('button', { class: 'primary', type: 'submit' }, t('segments.save')));
  const exportStatus = el('p', { class: 'muted', dataset: { test: 'export-status' } });
  const saved = el('div');
  view.replaceChildren(
    el('h1', {}, t('segments.title')),
    el('section', { class: 'card' }, el('label', { for: 'rule' }, t('segments.rule')), rule,
      el('p', { class: 'note' }, t('segments.ruleHelp')), preview, saveForm, saveStatus),
    el('section', { class: 'card' }, el('h2', {}, t('segments.saved')), saved, exportStatus));

  async function reloadSaved() {
    const answer = await call('campaign', 'ListSegments', { page: { pageSize: 200 } });
    saved.replaceChildren(savedSegments(answer.segments || [], exportStatus));
  }
  // Live preview: the latest rule wins; earlier answers arriving late are dropped.
  let asked = 0;
  async function refresh() {
    const mine = ++asked;
    preview.dataset.state = 'loading';
    try {
      const answer = await call('campaign', 'PreviewSegment', { rule: rule.value, sampleSize: 10 });
      if (mine === asked) {
        preview.replaceChildren(...previewOf(answer).filter(Boolean));
      }
    } catch (error) {
      if (mine === asked) {
        preview.replaceChildren(el('p', { class: 'error', dataset: { test: 'preview-error' } }, error.message));
      }
    }
    if (mine === asked) {
      preview.dataset.state = 'done';
    }
  }
  let timer = 0;
  rule.addEventListener('input', () => {
    clearTimeout(timer);
    preview.dataset.state = 'loading';
    timer = setTimeout(refresh, 300);
  });
  saveForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await call('campaign', 'CreateSegment', { segment: { segmentId: saveId.value.trim(),
        name: saveName.value.trim() || saveId.value.trim(), rule: rule.value } });
      saveStatus.textContent = t('segments.savedOk', { id: saveId.value.trim() });
      saveStatus.className = 'muted';
      await reloadSaved();
    } catch (error) {
      saveStatus.textContent = t('error', { message: error.message });
      saveStatus.className = 'error';
    }
  });
  await Promise.all([refresh(), reloadSaved()]);
}
