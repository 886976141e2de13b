// The console: sign-in, navigation and the pages (hash routes, so the gateway serves one file).
import { ApiError, call, session, signIn, signOut } from './api.js';
import { language, setLanguage, t } from './i18n.js';
import { el } from './format.js';
import { destroyCharts } from './charts.js';
import { renderOverview } from './pages/overview.js';
import { renderChurn } from './pages/churn.js';
import { renderClient } from './pages/client.js';
import { renderSegments } from './pages/segments.js';
import { renderCampaigns } from './pages/campaigns.js';

const PAGES = {
  overview: renderOverview,
  churn: renderChurn,
  client: renderClient,
  segments: renderSegments,
  campaigns: renderCampaigns,
};

const view = document.getElementById('view');
let drawing = 0;

function route() {
  const [page, ...rest] = location.hash.replace(/^#\/?/, '').split('/');
  return { page: PAGES[page] ? page : 'overview', argument: decodeURIComponent(rest.join('/')) };
}

function drawHeader(signedIn) {
  document.documentElement.lang = language();
  document.title = t('app.title');
  document.getElementById('app-title').textContent = t('app.title');
  const nav = document.getElementById('nav');
  nav.replaceChildren();
  if (signedIn) {
    const current = route().page;
    for (const page of Object.keys(PAGES)) {
      nav.append(el('a', { href: `#/${page}`, class: page === current ? 'active' : '', dataset: { page } },
        t(`nav.${page}`)));
    }
  }
  const lang = document.getElementById('lang');
  lang.textContent = t('lang.switch');
  const out = document.getElementById('signout');
  out.hidden = !signedIn;
  out.textContent = t('signout');
  const current = session();
  document.getElementById('who').textContent = current && current.tenant ? current.tenant : '';
}

function drawSignIn(message) {
  drawHeader(false);
  const key = el('input', { id: 'api-key', type: 'password', autocomplete: 'off', required: true });
  const tenant = el('input', { id: 'tenant', type: 'text', autocomplete: 'off' });
  const status = el('p', { class: 'error', id: 'signin-error' }, message || '');
  const form = el('form', { class: 'card signin', id: 'signin' },
    el('h1', {}, t('signin.title')),
    el('label', { for: 'api-key' }, t('signin.key')), key,
    el('label', { for: 'tenant' }, t('signin.tenant')), tenant,
    el('button', { class: 'primary', type: 'submit' }, t('signin.submit')),
    el('p', { class: 'note' }, t('signin.note')),
    status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    signIn(key.value.trim(), tenant.value.trim());
    try {
      // Any reader call proves the key; the config is small.
      await call('scoring', 'GetScoringConfig', {});
      draw();
    } catch (error) {
      signOut();
      status.textContent = t('signin.failed', { message: error.message });
    }
  });
  view.replaceChildren(form);
  view.dataset.ready = 'true';
  key.focus();
}

async function draw() {
  destroyCharts();
  const mine = ++drawing;
  view.dataset.ready = 'false';
  if (!session()) {
    drawSignIn();
    return;
  }
  drawHeader(true);
  const { page, argument } = route();
  document.body.dataset.page = page;
  const content = el('div', { class: 'page' }, el('p', { class: 'muted' }, t('loading')));
  view.replaceChildren(content);
  try {
    await PAGES[page](content, argument);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut();
      drawSignIn(t('signin.failed', { message: error.message }));
      return;
    }
    content.append(el('p', { class: 'error', dataset: { test: 'page-error' } }, t('error', { message: error.message })));
  }
  if (mine === drawing) {
    view.dataset.ready = 'true';
  }
}

document.getElementById('lang').addEventListener('click', () => {
  setLanguage(language() === 'en' ? 'zh-CN' : 'en');
  draw();
});
document.getElementById('signout').addEventListener('click', () => {
  signOut();
  location.hash = '';
  draw();
});
window.addEventListener('hashchange', draw);
// Chart.js is a deferred classic script: wait for it before the first page.
if (document.readyState === 'complete') {
  draw();
} else {
  window.addEventListener('load', draw);
}
