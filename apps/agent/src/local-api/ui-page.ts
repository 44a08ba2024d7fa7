/**
 * Lock screen + running overlay: one static page (HTML/CSS/vanilla JS, embedded in the bundle).
 * The per-boot API token and the locale are injected at serve time into a JSON script tag; the
 * inline script/style run under a per-response CSP nonce. Spanish (es-419) default, English too.
 * The inline script writes non-ASCII characters as \u escapes: an all-ASCII bundle is held by V8
 * in one byte per character instead of two.
 */
import type { Locale } from '@econtrol/contracts';
import { errorCatalog } from '../protocol/contracts-values.js';

export const uiStrings = {
  es: {
    title: 'eControl',
    locked: 'PC bloqueada',
    welcome: 'Bienvenido',
    account: 'Cuenta',
    guest: 'Código de invitado',
    username: 'Usuario',
    password: 'Contraseña',
    code: 'Código',
    login: 'Ingresar',
    useCode: 'Usar código',
    emptyField: 'Completa todos los campos.',
    offline: 'Sin conexión: tu tiempo se sigue contando en esta PC.',
    resuming: 'Reanudando tu sesión…',
    paused: 'Sesión en pausa',
    timeLeft: 'Tiempo restante',
    cost: 'Consumo',
    balance: 'Saldo',
    extend: 'Extender sesión',
    request: 'Pedir a caja',
    extendSent: 'Solicitud enviada a caja.',
    minutes: 'min',
    shop: 'Tienda',
    order: 'Pedir',
    orderSent: 'Pedido enviado.',
    empty: 'Sin productos',
    messages: 'Mensajes',
    end: 'Terminar sesión',
    endConfirm: '¿Terminar tu sesión ahora?',
    warn5: 'Quedan 5 minutos.',
    warn1: 'Queda 1 minuto. Guarda tu partida.',
    postpaid: 'Pago al finalizar',
    free: 'Tiempo gratis',
    upgrade: errorCatalog.AGENT_UPGRADE_REQUIRED.es,
    revoked: errorCatalog.PC_REVOKED.es,
    error: 'No se pudo completar la acción.',
  },
  en: {
    title: 'eControl',
    locked: 'PC locked',
    welcome: 'Welcome',
    account: 'Account',
    guest: 'Guest code',
    username: 'Username',
    password: 'Password',
    code: 'Code',
    login: 'Sign in',
    useCode: 'Use code',
    emptyField: 'Please fill in every field.',
    offline: 'Offline: your time is still counted on this PC.',
    resuming: 'Resuming your session…',
    paused: 'Session paused',
    timeLeft: 'Time left',
    cost: 'Usage',
    balance: 'Balance',
    extend: 'Extend session',
    request: 'Ask the counter',
    extendSent: 'Request sent to the counter.',
    minutes: 'min',
    shop: 'Shop',
    order: 'Order',
    orderSent: 'Order sent.',
    empty: 'No products',
    messages: 'Messages',
    end: 'End session',
    endConfirm: 'End your session now?',
    warn5: '5 minutes left.',
    warn1: '1 minute left. Save your game.',
    postpaid: 'Pay at the end',
    free: 'Free time',
    upgrade: errorCatalog.AGENT_UPGRADE_REQUIRED.en,
    revoked: errorCatalog.PC_REVOKED.en,
    error: 'The action could not be completed.',
  },
} satisfies Record<Locale, Record<string, string>>;

const errorMessages = Object.fromEntries(
  Object.entries(errorCatalog).map(([code, d]) => [code, { es: d.es, en: d.en }]),
);

const CSS = `
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#0b1020;color:#e8ecf6;min-height:100vh}
.hidden{display:none!important}
.banner{position:fixed;top:0;left:0;right:0;padding:.5rem 1rem;text-align:center;font-weight:600}
.banner.off{background:#b45309;color:#fff}.banner.warn{background:#b91c1c;color:#fff;top:auto;bottom:0}
#lock{display:flex;flex-direction:column;align-items:center;justify-content:center;min-height:100vh;gap:1.5rem;padding:2rem}
#lock h1{font-size:2.5rem;margin:0}#lock .clock{font-size:4rem;font-weight:200;font-variant-numeric:tabular-nums}
.cards{display:flex;gap:1.5rem;flex-wrap:wrap;justify-content:center}
.card{background:#141b33;border:1px solid #26304f;border-radius:14px;padding:1.5rem;width:320px}
.card h2{margin:0 0 1rem;font-size:1.1rem;color:#9fb0d8}
label{display:block;font-size:.85rem;color:#9fb0d8;margin:.6rem 0 .2rem}
input,select{width:100%;padding:.65rem .75rem;border-radius:8px;border:1px solid #33406a;background:#0b1020;color:#fff;font-size:1rem}
button{margin-top:1rem;width:100%;padding:.7rem;border:0;border-radius:8px;background:#4f7cff;color:#fff;font-size:1rem;font-weight:600;cursor:pointer}
button.secondary{background:#26304f}button.danger{background:#7f1d1d}button:disabled{opacity:.5}
.err{color:#fca5a5;min-height:1.2em;font-size:.9rem;margin-top:.5rem}.ok{color:#86efac}
.notice{font-size:1.2rem;color:#fcd34d;text-align:center;max-width:36rem}
#overlay{max-width:420px;margin:0 0 0 auto;padding:3rem 1rem 1rem}
.where{margin:-.5rem 0 0;font-size:1.1rem;color:#9fb0d8}.panel h3{margin:0 0 .6rem}
.panel{background:#141b33ee;border:1px solid #26304f;border-radius:14px;padding:1rem;margin-bottom:1rem}
.big{font-size:3rem;font-weight:300;font-variant-numeric:tabular-nums}
.row{display:flex;justify-content:space-between;margin:.3rem 0}.muted{color:#9fb0d8}
.product{display:flex;justify-content:space-between;align-items:center;gap:.5rem;margin:.3rem 0}
.product input{width:4rem}.msg{border-left:3px solid #4f7cff;padding:.3rem .6rem;margin:.4rem 0}
.msgs-fixed{position:fixed;left:1rem;bottom:3rem;max-width:28rem}
.lang{position:fixed;top:.6rem;right:.8rem;width:auto;margin:0;padding:.3rem .6rem;font-size:.8rem}
`;

const SCRIPT = String.raw`
(() => {
  const boot = JSON.parse(document.getElementById('boot').textContent);
  const STR = boot.strings, ERR = boot.errors;
  let locale = localStorage.getItem('econtrol.locale') || boot.locale;
  let settings = { currency: 'PEN', shopProducts: [] };
  const $ = (id) => document.getElementById(id);
  const t = (k) => (STR[locale] || STR.es)[k] || k;
  const errText = (code) => (ERR[code] && ERR[code][locale]) || t('error');
  function api(path, body) {
    const init = { headers: { 'x-agent-token': boot.token } };
    if (body !== undefined) { init.method = 'POST'; init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
    return fetch(path, init).then(async (r) => {
      const j = await r.json().catch(() => ({}));
      if (!r.ok) throw Object.assign(new Error('api'), { code: (j.error && j.error.code) || 'INTERNAL_ERROR' });
      return j;
    });
  }
  // Regional format per currency, as in the console: S/ 10.00 in Lima (es-419 alone prints "PEN 10.00").
  const REGION = { PEN: 'es-PE', MXN: 'es-MX', COP: 'es-CO', ARS: 'es-AR', CLP: 'es-CL', USD: 'es-US', BOB: 'es-BO', UYU: 'es-UY', PYG: 'es-PY', GTQ: 'es-GT', CRC: 'es-CR', DOP: 'es-DO' };
  function money(minor) {
    // English too: a gamer in Lima reads S/ 2.50 whatever the UI language ("en-US" prints "PEN 2.50").
    const tag = REGION[settings.currency] || (locale === 'es' ? 'es-419' : 'en-US');
    const f = new Intl.NumberFormat(tag, { style: 'currency', currency: settings.currency, currencyDisplay: settings.currency === 'USD' && locale === 'es' ? 'symbol' : 'narrowSymbol' });
    const digits = f.resolvedOptions().maximumFractionDigits;
    return f.format(minor / Math.pow(10, digits));
  }
  function hmm(seconds) {
    const m = Math.ceil(seconds / 60);
    return Math.floor(m / 60) + ':' + String(m % 60).padStart(2, '0');
  }
  function applyText() {
    document.documentElement.lang = locale === 'es' ? 'es-419' : 'en';
    document.querySelectorAll('[data-t]').forEach((el) => { el.textContent = t(el.dataset.t); });
    document.querySelectorAll('[data-ph]').forEach((el) => { el.placeholder = t(el.dataset.ph); });
    $('langBtn').textContent = locale === 'es' ? 'English' : 'Espa\u00f1ol';
    for (const o of $('extendMin').options) o.textContent = o.value + ' ' + t('minutes');
    $('where').textContent = [settings.lanCenterName, settings.pcName].filter(Boolean).join(' \u00b7 ');
    tick();
  }
  function tick() {
    const tag = locale === 'es' ? 'es-419' : 'en';
    const opts = { hour: 'numeric', minute: '2-digit' };
    // The LAN center's time (the PC's own zone may be anything); an unknown zone falls back to it.
    try { $('clock').textContent = new Date().toLocaleTimeString(tag, { ...opts, timeZone: settings.timezone }); }
    catch { $('clock').textContent = new Date().toLocaleTimeString(tag, opts); }
  }
  function renderShop() {
    const list = $('products'); list.textContent = '';
    const items = settings.shopProducts.filter((p) => p.available);
    $('orderBtn').classList.toggle('hidden', !items.length);
    if (!items.length) { const p = document.createElement('div'); p.className = 'muted'; p.textContent = t('empty'); list.append(p); return; }
    for (const p of items) {
      const row = document.createElement('div'); row.className = 'product';
      const name = document.createElement('span'); name.textContent = p.name + ' \u00b7 ' + money(p.priceMinor);
      const qty = document.createElement('input'); qty.type = 'number'; qty.min = '0'; qty.max = '20'; qty.value = '0'; qty.dataset.id = p.id;
      row.append(name, qty); list.append(row);
    }
  }
  function render(s) {
    const c = s.connection;
    $('offline').classList.toggle('hidden', c !== 'offline' && c !== 'connecting');
    const sess = s.session; const running = sess.phase === 'in_session';
    $('lock').classList.toggle('hidden', running);
    $('overlay').classList.toggle('hidden', !running);
    const notice = c === 'upgrade_required' ? t('upgrade') : c === 'revoked' ? t('revoked') : sess.phase === 'resuming' ? t('resuming') : sess.phase === 'paused' ? t('paused') : (s.lockMessage || '');
    $('notice').textContent = notice;
    const canLogin = sess.phase === 'locked' && c !== 'upgrade_required' && c !== 'revoked';
    $('forms').classList.toggle('hidden', !canLogin);
    if (running) {
      $('left').textContent = sess.timeLeftSeconds === null ? '\u2014' : hmm(sess.timeLeftSeconds);
      $('cost').textContent = sess.free ? t('free') : money(sess.costMinor);
      $('balance').textContent = sess.balanceLeftMinor === null ? (sess.postpaid ? t('postpaid') : '\u2014') : money(sess.balanceLeftMinor);
      $('who').textContent = sess.customerName || '';
      const w = $('warn'); w.classList.toggle('hidden', !sess.warning); w.textContent = sess.warning === 1 ? t('warn1') : sess.warning === 5 ? t('warn5') : '';
    } else { $('warn').classList.add('hidden'); }
    const msgs = $('msgs'); msgs.textContent = '';
    for (const m of s.messages) { const d = document.createElement('div'); d.className = 'msg'; d.textContent = (m.from ? m.from + ': ' : '') + m.text; msgs.append(d); }
    $('msgPanel').classList.toggle('hidden', s.messages.length === 0);
  }
  async function poll() {
    try { render(await api('/session/status')); } catch (e) { /* agent restarting */ }
  }
  function guard(form, fields, out, body) {
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault(); out.textContent = ''; out.className = 'err';
      const values = fields.map((f) => f.value);
      if (values.some((v) => v.trim() === '')) { out.textContent = t('emptyField'); return; }
      const btn = form.querySelector('button'); btn.disabled = true;
      try { await api('/session/login', body(values)); fields.forEach((f) => { f.value = ''; }); poll(); }
      catch (e) { out.textContent = errText(e.code); }
      finally { btn.disabled = false; }
    });
  }
  guard($('accountForm'), [$('user'), $('pass')], $('accountErr'), (v) => ({ kind: 'account', username: v[0], password: v[1] }));
  guard($('guestForm'), [$('code')], $('guestErr'), (v) => ({ kind: 'guest', code: v[0] }));
  $('extendBtn').addEventListener('click', async () => {
    const out = $('extendOut'); out.textContent = '';
    try { await api('/session/extend', { minutes: Number($('extendMin').value) }); out.className = 'ok'; out.textContent = t('extendSent'); }
    catch (e) { out.className = 'err'; out.textContent = errText(e.code); }
  });
  $('orderBtn').addEventListener('click', async () => {
    const out = $('orderOut'); out.textContent = '';
    const items = [...document.querySelectorAll('#products input')].map((i) => ({ productId: i.dataset.id, quantity: Number(i.value) })).filter((i) => i.quantity > 0);
    if (!items.length) { out.className = 'err'; out.textContent = t('emptyField'); return; }
    try { await api('/store/order', { items }); out.className = 'ok'; out.textContent = t('orderSent'); renderShop(); }
    catch (e) { out.className = 'err'; out.textContent = errText(e.code); }
  });
  $('endBtn').addEventListener('click', async () => { if (confirm(t('endConfirm'))) { try { await api('/session/end', {}); } catch (e) {} poll(); } });
  $('langBtn').addEventListener('click', () => { locale = locale === 'es' ? 'en' : 'es'; localStorage.setItem('econtrol.locale', locale); applyText(); renderShop(); poll(); });
  api('/settings').then((s) => { settings = s; if (!localStorage.getItem('econtrol.locale')) locale = s.locale; applyText(); renderShop(); }).catch(() => {});
  applyText(); tick(); poll();
  setInterval(tick, 1000 * 15); setInterval(poll, 1000);
})();
`;

const BODY = `
<button id="langBtn" class="secondary lang" type="button">English</button>
<div id="offline" class="banner off hidden" data-t="offline"></div>
<main id="lock">
  <h1 data-t="title"></h1>
  <p id="where" class="where"></p>
  <div id="clock" class="clock"></div>
  <p id="notice" class="notice" role="status"></p>
  <div id="forms" class="cards">
    <form id="accountForm" class="card" novalidate autocomplete="off">
      <h2 data-t="account"></h2>
      <label for="user" data-t="username"></label><input id="user" name="username" required maxlength="254" autocomplete="off">
      <label for="pass" data-t="password"></label><input id="pass" name="password" type="password" required maxlength="200" autocomplete="off">
      <button type="submit" data-t="login"></button><div id="accountErr" class="err" role="alert"></div>
    </form>
    <form id="guestForm" class="card" novalidate autocomplete="off">
      <h2 data-t="guest"></h2>
      <label for="code" data-t="code"></label><input id="code" name="code" required maxlength="64" autocomplete="off">
      <button type="submit" data-t="useCode"></button><div id="guestErr" class="err" role="alert"></div>
    </form>
  </div>
</main>
<aside id="overlay" class="hidden">
  <div class="panel">
    <div class="muted" id="who"></div>
    <div class="muted" data-t="timeLeft"></div><div id="left" class="big">0:00</div>
    <div class="row"><span class="muted" data-t="cost"></span><span id="cost"></span></div>
    <div class="row"><span class="muted" data-t="balance"></span><span id="balance"></span></div>
  </div>
  <div class="panel">
    <label for="extendMin" data-t="extend"></label>
    <select id="extendMin"><option value="15">15</option><option value="30" selected>30</option><option value="60">60</option><option value="120">120</option></select>
    <button id="extendBtn" type="button" data-t="request"></button><div id="extendOut"></div>
  </div>
  <div class="panel"><h3 data-t="shop"></h3><div id="products"></div>
    <button id="orderBtn" type="button" data-t="order"></button><div id="orderOut"></div></div>
  <button id="endBtn" class="danger" type="button" data-t="end"></button>
</aside>
<section id="msgPanel" class="panel msgs-fixed hidden"><h3 data-t="messages"></h3><div id="msgs"></div></section>
<div id="warn" class="banner warn hidden" role="alert"></div>
`;

function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export function renderPage(opts: { token: string; locale: Locale; nonce: string }): string {
  const boot = jsonForScript({
    token: opts.token,
    locale: opts.locale,
    strings: uiStrings,
    errors: errorMessages,
  });
  return `<!doctype html>
<html lang="${opts.locale === 'es' ? 'es-419' : 'en'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>eControl</title>
<style nonce="${opts.nonce}">${CSS}</style></head>
<body>${BODY}
<script id="boot" type="application/json">${boot}</script>
<script nonce="${opts.nonce}">${SCRIPT}</script>
</body></html>`;
}
