// Chart.js (the pinned UMD build in vendor/, a global) with the console's defaults: no
// animation, so what is drawn is final when a page says it is ready.
const live = [];

export const PALETTE = ['#2f6fde', '#16a34a', '#f59e0b', '#9333ea', '#dc2626', '#0891b2', '#65a30d', '#db2777', '#475569', '#ea580c', '#0d9488'];

export function chart(canvas, config) {
  const { Chart } = window;
  Chart.defaults.animation = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  config.options = { responsive: true, maintainAspectRatio: false, ...config.options };
  const made = new Chart(canvas, config);
  live.push(made);
  return made;
}

export function destroyCharts() {
  while (live.length) {
    live.pop().destroy();
  }
}

// A card with a title and a canvas of a fixed height for one chart.
export function chartCard(el, title, testId, height = 300) {
  const canvas = el('canvas', { dataset: { test: testId } });
  const box = el('div', { class: 'chart-box' }, canvas);
  box.style.height = `${height}px`;
  return { card: el('section', { class: 'card' }, el('h2', {}, title), box), canvas };
}
