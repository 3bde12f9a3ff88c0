// promocast web page: scenario planner, explanation, optimiser and
// backtest views over the JSON API of the server that serves this file.
// Plain JavaScript, no build step; charts with uPlot (vendor/).
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const state = {
    lang: localStorage.getItem("promocast.lang") || (navigator.language.startsWith("zh") ? "zh" : "en"),
    spec: null, selected: new Set(), discount: 0, levers: {}, from: 0, to: 6,
    plan: [], fc: null, inv: null, ex: null, exFor: null, opt: null, bt: null, seq: 0, timer: 0,
  };
  // window.promocast lets tests and the console see what the page sent.
  window.promocast = { state };

  // ---- strings and numbers ----
  function t(key, vars) {
    let s = STRINGS[state.lang][key] ?? STRINGS.en[key] ?? key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replace("%" + k, v);
    return s;
  }
  const locale = () => (state.lang === "zh" ? "zh-CN" : "en-US");
  const num = (v, d = 0) => (v == null || !isFinite(v) ? "–" : new Intl.NumberFormat(locale(), { maximumFractionDigits: d, minimumFractionDigits: d }).format(v));
  const signed = (v, d = 0) => (v == null || !isFinite(v) ? "–" : (v > 0 ? "+" : "") + num(v, d));
  const pct = (v, d = 1) => (v == null || !isFinite(v) ? "–" : num(100 * v, d) + "%");
  const leverLabel = (name) => (STRINGS.en["lever." + name] ? t("lever." + name) : name);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") e.className = v; else if (k in e) e[k] = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c);
    return e;
  }
  function fillTable(id, rows) {
    const body = $(id).tBodies[0];
    body.replaceChildren(...rows.map((cells) => el("tr", {}, ...cells.map((c) => el("td", {}, c)))));
  }
  function showError(err) {
    $("error").hidden = !err;
    $("error").textContent = err ? err.message + (err.field ? " (" + err.field + ")" : "") : "";
  }

  // ---- API ----
  async function api(method, path, body) {
    const headers = { "Content-Type": "application/json" };
    const token = localStorage.getItem("promocast.token");
    if (token) headers.Authorization = "Bearer " + token;
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const j = await r.json().catch(() => ({ error: { message: r.statusText } }));
    if (r.status === 401) $("auth").hidden = false;
    if (!r.ok) throw Object.assign(new Error(j.error?.message || r.statusText), { status: r.status, field: j.error?.field });
    return j;
  }

  // ---- charts ----
  function lineChart(target, labels, series, bands) {
    target.replaceChildren();
    const width = Math.max(320, target.clientWidth || 800);
    const opts = {
      width, height: 280, padding: [8, 48, 0, 0], scales: { x: { time: false } }, legend: { live: false },
      axes: [{ values: (u, splits) => splits.map((i) => (Number.isInteger(i) ? labels[i] ?? "" : "")) },
        // The y axis is as wide as its longest label, so 25,000 is never cut to 5,000.
        { values: (u, splits) => splits.map((v) => num(v)), size: (u, values) => 16 + 8 * Math.max(3, ...(values || []).map((v) => v.length)) }],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.stroke, dash: s.dash, width: s.width ?? 2, points: { show: s.points ?? false } }))],
      bands: bands || [],
    };
    return new uPlot(opts, [labels.map((_, i) => i), ...series.map((s) => s.values)], target);
  }

  // ---- planner ----
  function periods() {
    return state.spec.periods.slice(Math.min(state.from, state.to), Math.max(state.from, state.to) + 1);
  }
  // buildPlan returns the plan rows of the planner's settings: every chosen
  // product in every chosen period, its lever-off values with the levers set.
  function buildPlan() {
    const sp = state.spec, rows = [];
    for (const s of sp.series) {
      if (!state.selected.has(s.id)) continue;
      for (const p of periods()) {
        const row = { ...s.keys, [sp.time]: p };
        // A covariate the series never had has no default: sent as null.
        for (const k of sp.known) row[k] = s.defaults[k] ?? null;
        for (const l of sp.levers) {
          if (l.kind === "price") row[l.name] = Math.round(s.defaults[l.name] * (1 - state.discount) * 100) / 100;
          else if (l.kind === "depth") row[l.name] = state.discount;
          else if (l.kind === "flag") row[l.name] = state.levers[l.name] ? 1 : 0;
          else if (state.levers[l.name] != null) row[l.name] = state.levers[l.name];
        }
        rows.push(row);
      }
    }
    return rows;
  }
  function stockOf(ids) {
    const v = Number($("on-hand").value);
    const out = {};
    if ($("on-hand").value !== "" && v >= 0) for (const id of ids) out[id] = { on_hand: v };
    return out;
  }
  // Every change bumps state.seq, so an answer that comes back after a
  // newer change (still waiting for its timer) is dropped rather than shown
  // as the current figures.
  function schedule() {
    clearTimeout(state.timer);
    state.seq++;
    $("uplift-units").dataset.state = "loading";
    state.timer = setTimeout(update, 150);
  }
  async function update() {
    const seq = ++state.seq;
    const rows = buildPlan();
    if (rows.length === 0) return;
    try {
      const ids = [...state.selected];
      const [fc, inv] = await Promise.all([
        api("POST", "/v1/forecast", { rows }),
        state.spec.inventory ? api("POST", "/v1/inventory", { rows, stock: stockOf(ids) }).catch(() => null) : null,
      ]);
      if (seq !== state.seq) return; // a newer change is on its way
      Object.assign(state, { plan: rows, fc, inv, ex: null });
      showError(null);
      renderPlanner();
      $("uplift-units").dataset.state = "ready";
      if (!$("explain").hidden) loadExplain();
    } catch (err) {
      if (seq === state.seq) { showError(err); $("uplift-units").dataset.state = "error"; }
    }
  }
  function renderPlanner() {
    const fc = state.fc;
    if (!fc) return;
    const tot = fc.totals[0], m = tot.money || {};
    const up = $("uplift-units");
    up.textContent = signed(tot.uplift);
    up.dataset.value = String(tot.uplift);
    let p10 = 0, p90 = 0, withQ = fc.levels.length > 0;
    const byPeriod = new Map();
    for (const r of fc.rows) {
      const q = r.quantiles?.forecast || {};
      p10 += q.p10 ?? 0; p90 += q.p90 ?? 0;
      const a = byPeriod.get(r.period) || { f: 0, b: 0, lo: 0, hi: 0 };
      a.f += r.forecast; a.b += r.baseline; a.lo += q.p10 ?? r.forecast; a.hi += q.p90 ?? r.forecast;
      byPeriod.set(r.period, a);
    }
    // An interval that spans zero says the plan may change nothing; say so
    // rather than let a rounded "0" or a small number look certain.
    const lo = p10 - tot.baseline, hi = p90 - tot.baseline;
    $("uplift-range").textContent = withQ ? t("kpi.range") + " " + signed(lo) + " … " + signed(hi) + (lo < 0 && hi > 0 ? " · " + t("kpi.maybe0") : "") : "";
    up.dataset.uncertain = String(withQ && lo < 0 && hi > 0);
    $("units").textContent = num(tot.forecast);
    $("baseline-units").textContent = t("kpi.baseline") + " " + num(tot.baseline);
    $("gmv").textContent = num(m.revenue);
    $("gmv-incr").textContent = t("kpi.incr") + " " + signed(m.incremental_revenue);
    $("margin").textContent = num(m.margin);
    $("margin-incr").textContent = t("kpi.incr") + " " + signed(m.incremental_margin);
    $("roi").textContent = m.roi == null ? "–" : num(m.roi, 2);
    $("promo-cost").textContent = t("kpi.cost") + " " + num(m.promotion_cost);
    const inv = state.inv?.series || [];
    const risky = inv.filter((s) => s.stockout_risk).length;
    const worst = inv.reduce((w, s) => Math.max(w, s.stockout_prob), 0);
    $("stock-risk").textContent = inv.length ? t("kpi.atrisk", { n: risky, m: inv.length }) : t("kpi.nostock");
    $("stock-detail").textContent = inv.length ? t("kpi.worst", { p: pct(worst, 0) }) : "";
    const labels = [...byPeriod.keys()], agg = [...byPeriod.values()];
    const series = [
      { label: t("chart.p90"), values: agg.map((a) => a.hi), stroke: "rgba(37,99,235,0.3)", width: 1 },
      { label: t("chart.p10"), values: agg.map((a) => a.lo), stroke: "rgba(37,99,235,0.3)", width: 1 },
      { label: t("chart.forecast"), values: agg.map((a) => a.f), stroke: "#2563eb" },
      { label: t("chart.baseline"), values: agg.map((a) => a.b), stroke: "#6b7280", dash: [6, 4] },
    ];
    lineChart($("plan-chart"), labels, series, withQ ? [{ series: [1, 2], fill: "rgba(37,99,235,0.12)" }] : []);
    const bySeries = new Map();
    for (const r of fc.rows) {
      const a = bySeries.get(r.series) || { f: 0, b: 0, rev: 0, inc: 0 };
      a.f += r.forecast; a.b += r.baseline; a.rev += r.money?.revenue ?? 0; a.inc += r.money?.incremental_margin ?? 0;
      bySeries.set(r.series, a);
    }
    const invBy = new Map(inv.map((s) => [s.series, s]));
    fillTable("plan-table", [...bySeries].map(([id, a]) => [id, num(a.f), num(a.b), signed(a.f - a.b), num(a.rev), signed(a.inc),
      invBy.has(id) ? pct(invBy.get(id).stockout_prob, 0) : "–", invBy.has(id) ? num(invBy.get(id).order_qty) : "–"]));
    renderWarnings(fc.rows);
  }
  // renderWarnings lists where the plan leaves what each product (and its
  // group) had in training, each warning once with the products it names.
  function renderWarnings(rows) {
    const by = new Map();
    let warned = 0;
    for (const r of rows) {
      if (r.warnings.length) warned++;
      for (const w of r.warnings) {
        if (!by.has(w)) by.set(w, new Set());
        by.get(w).add(r.series);
      }
    }
    const box = $("warnings");
    box.dataset.count = String(warned);
    if (!by.size) { box.replaceChildren(); return; }
    const items = [...by].slice(0, 12).map(([w, ids]) => el("li", {}, [...ids].slice(0, 5).join(", ") + (ids.size > 5 ? ", …" : "") + ": " + w));
    if (by.size > 12) items.push(el("li", {}, "…"));
    box.replaceChildren(el("span", {}, t("planner.beyond")), el("ul", {}, ...items));
  }
  function buildControls() {
    const sp = state.spec;
    $("model").textContent = `${sp.model.name} v${sp.model.version} · ${sp.model.kind}`;
    const periodOpts = () => sp.periods.map((p, i) => el("option", { value: i }, p));
    $("period-from").replaceChildren(...periodOpts());
    $("period-to").replaceChildren(...periodOpts());
    state.to = Math.min(state.to, sp.periods.length - 1);
    $("period-from").value = state.from; $("period-to").value = state.to;
    for (const s of sp.series.slice(0, 3)) state.selected.add(s.id);
    renderSeriesList();
    renderLevers();
    const sel = sp.series.filter((s) => state.selected.has(s.id));
    const mean = sel.reduce((a, s) => a + s.recent, 0) / Math.max(1, sel.length);
    $("on-hand").value = Math.round(1.5 * mean * periods().length);
    const groups = [["", t("optimize.none")], ...sp.keys.map((k) => [k, k]), ...sp.static.map((k) => [k, k])];
    $("opt-groupby").replaceChildren(...groups.map(([v, l]) => el("option", { value: v }, l)));
    if (!sp.unit_cost) $("opt-objective").value = "revenue";
  }
  function renderSeriesList() {
    const sp = state.spec, f = $("series-filter").value.trim().toLowerCase();
    const match = (s) => !f || s.id.toLowerCase().includes(f) || Object.values(s.static).some((v) => v.toLowerCase().includes(f));
    const shown = sp.series.filter((s) => state.selected.has(s.id) || match(s)).slice(0, 40);
    $("series-list").replaceChildren(...shown.map((s) => {
      const box = el("input", { type: "checkbox", checked: state.selected.has(s.id), value: s.id });
      box.addEventListener("change", () => { box.checked ? state.selected.add(s.id) : state.selected.delete(s.id); schedule(); });
      return el("label", { class: "inline" }, box, " " + s.id + " ", el("small", { class: "muted" }, Object.values(s.static).join(" · ")));
    }));
  }
  function renderLevers() {
    const sp = state.spec, box = $("levers");
    box.replaceChildren();
    const flags = $("opt-flags");
    flags.replaceChildren();
    for (const l of sp.levers) {
      if (l.kind === "price") {
        const out = el("output", { id: "discount-value" }, pct(state.discount, 0));
        const input = el("input", { type: "range", id: "discount", min: 0, max: 60, step: 5, value: Math.round(100 * state.discount) });
        input.addEventListener("input", () => { state.discount = Number(input.value) / 100; out.textContent = pct(state.discount, 0); schedule(); });
        box.append(el("label", {}, el("span", {}, t("lever.discount") + " "), input, " ", out));
      } else if (l.kind === "flag") {
        const input = el("input", { type: "checkbox", id: "lever-" + l.name, checked: !!state.levers[l.name] });
        input.addEventListener("change", () => { state.levers[l.name] = input.checked; schedule(); });
        box.append(el("label", { class: "inline" }, input, " " + leverLabel(l.name)));
        flags.append(el("label", { class: "inline" }, el("input", { type: "checkbox", value: l.name, class: "opt-flag" }), " " + leverLabel(l.name)),
          el("input", { type: "number", min: 0, step: "any", class: "opt-cost", "data-lever": l.name, "data-i18n-placeholder": "optimize.levercost", placeholder: t("optimize.levercost") }));
      } else if (l.kind === "number") {
        const input = el("input", { type: "number", id: "lever-" + l.name, min: l.min, max: l.max, step: "any", placeholder: l.off });
        input.value = state.levers[l.name] ?? "";
        input.addEventListener("input", () => { state.levers[l.name] = input.value === "" ? null : Number(input.value); schedule(); });
        box.append(el("label", {}, el("span", {}, leverLabel(l.name) + " "), input));
      }
    }
  }

  // ---- explanation ----
  async function loadExplain() {
    if (!state.spec.explains) { $("explain-total").textContent = t("explain.unavailable"); return; }
    if (state.exFor === state.plan || state.plan.length === 0) return renderExplain();
    const plan = state.plan;
    try {
      const ex = await api("POST", "/v1/explain", { rows: plan, top: 8 });
      if (plan !== state.plan) return;
      Object.assign(state, { ex, exFor: plan });
      renderExplain();
    } catch (err) { showError(err); }
  }
  function renderExplain() {
    const ex = state.ex;
    if (!ex) return;
    const beyond = ex.rows.filter((r) => r.warnings.length).length;
    $("explain-total").textContent = t("explain.total", { u: signed(ex.totals.uplift, 1) }) + (beyond ? " " + t("explain.beyond", { n: beyond }) : "");
    $("explain-total").dataset.beyond = String(beyond);
    const items = [...ex.totals.drivers, { feature: t("explain.other"), contribution: ex.totals.other }];
    const max = Math.max(1e-9, ...items.map((d) => Math.abs(d.contribution)));
    $("drivers").replaceChildren(...items.map((d) => el("div", { class: "bar-row" },
      el("span", { class: "bar-label" }, d.feature),
      el("span", { class: "bar-track" }, el("span", { class: "bar " + (d.contribution < 0 ? "neg" : "pos"), style: `width:${(100 * Math.abs(d.contribution)) / max}%` })),
      el("span", { class: "bar-value" }, signed(d.contribution, 1)))));
    const rows = [...ex.rows].sort((a, b) => Math.abs(b.uplift) - Math.abs(a.uplift)).slice(0, 15);
    fillTable("explain-table", rows.map((r) => [r.series, r.period, signed(r.uplift, 1),
      r.drivers.slice(0, 3).map((d) => `${d.feature} ${signed(d.contribution, 1)}`).join(", ")]));
  }

  // ---- optimiser ----
  async function runOptimize() {
    const optional = (id) => ($(id).value === "" ? undefined : Number($(id).value));
    const body = {
      rows: state.plan,
      discounts: $("opt-discounts").value.split(/[,，\s]+/).filter(Boolean).map((v) => Number(v) / 100),
      flags: [...document.querySelectorAll(".opt-flag:checked")].map((b) => b.value),
      objective: $("opt-objective").value, budget: optional("opt-budget"), min_margin_rate: optional("opt-minmargin"),
      group_by: $("opt-groupby").value || undefined,
    };
    const costs = [...document.querySelectorAll(".opt-cost")].filter((c) => c.value !== "").map((c) => [c.dataset.lever, Number(c.value)]);
    if (costs.length) body.lever_costs = Object.fromEntries(costs);
    if (body.group_by) { body.group_max_promoted = optional("opt-groupmax"); body.group_max_cost = optional("opt-groupcost"); }
    if ($("opt-stock").checked) body.stock = Object.fromEntries(Object.entries(stockOf([...state.selected])).map(([k, v]) => [k, v.on_hand]));
    $("opt-status").textContent = t("optimize.running");
    try {
      state.opt = await api("POST", "/v1/optimize", body);
      showError(null);
      renderOptimize();
    } catch (err) { $("opt-status").textContent = ""; showError(err); }
  }
  function renderOptimize() {
    const o = state.opt;
    if (!o) return;
    const status = t("optimize.status." + o.status, { g: pct(o.gap ?? 0, 2) });
    $("opt-status").textContent = `${status} · ${t("optimize.value", { v: num(o.value) })}` + (o.violations.length ? " · " + o.violations.join("; ") : "");
    fillTable("opt-plans", o.plans.map((p) => [t("plan." + p.plan), num(p.promoted), num(p.units), signed(p.incremental_units),
      signed(p.incremental_revenue), signed(p.incremental_margin), num(p.promotion_cost), p.roi == null ? "–" : num(p.roi, 2)]));
    const val = (c, v) => (v == null ? t("unlimited") : c.kind === "margin_rate" && v !== c.slack ? pct(v) : num(v, 1));
    fillTable("opt-constraints", o.constraints.map((c) => [t("constraint." + c.kind), c.name, val(c, c.used), val(c, c.limit), c.slack == null ? "–" : num(c.slack, 1)]));
    fillTable("opt-rows", o.rows.map((r) => [r.series, r.period, r.option, num(r.forecast), signed(r.uplift), r.warnings.join("; ")]));
  }

  // ---- backtest ----
  async function loadBacktest(model, series) {
    const q = new URLSearchParams();
    if (model) q.set("model", model);
    if (series) q.set("series", series);
    try {
      state.bt = await api("GET", "/v1/backtest?" + q);
      renderBacktest();
    } catch (err) {
      if (err.status === 404) $("bt-source").textContent = t("backtest.none"); else showError(err);
    }
  }
  function renderBacktest() {
    const bt = state.bt;
    if (!bt) return;
    $("bt-source").textContent = t("backtest.source", { s: bt.source });
    $("bt-model").replaceChildren(...bt.models.map((m) => el("option", { value: m, selected: m === bt.shown }, m)));
    const scope = (s) => { const [w, ...rest] = s.split(" "); return [t("scope." + w), ...rest].join(" "); };
    const level = (l) => (STRINGS.en["level." + l] ? t("level." + l) : l);
    fillTable("bt-metrics", bt.metrics.map((m) => [scope(m.scope), level(m.level), pct(m.wape), pct(m.mape), pct(m.smape), num(m.rmse, 2), num(m.mase, 2), pct(m.bias), num(m.rows)]));
    $("bt-series").replaceChildren(...bt.series.slice(0, 200).map((s) => el("option", { value: s.id, selected: s.id === bt.chosen }, s.id)));
    const pts = bt.points;
    lineChart($("bt-chart"), pts.map((p) => p.period), [
      { label: t("chart.actual"), values: pts.map((p) => p.actual), stroke: "#111827", points: true, width: 1 },
      { label: t("chart.predicted"), values: pts.map((p) => p.forecast), stroke: "#dc2626" },
    ]);
  }

  // ---- wiring ----
  function applyLang() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    $("lang").value = state.lang;
    for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
    for (const e of document.querySelectorAll("[data-i18n-placeholder]")) e.placeholder = t(e.dataset.i18nPlaceholder);
    if (state.spec) { renderLevers(); renderPlanner(); renderExplain(); renderOptimize(); renderBacktest(); }
  }
  function showTab(name) {
    for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === name);
    for (const s of document.querySelectorAll("section.tab")) s.hidden = s.id !== name;
    if (name === "planner") renderPlanner();
    if (name === "explain") loadExplain();
    if (name === "optimize") renderOptimize();
    if (name === "backtest") state.bt ? renderBacktest() : loadBacktest();
  }
  async function start() {
    applyLang();
    for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => showTab(b.dataset.tab));
    $("lang").addEventListener("change", () => { state.lang = $("lang").value; localStorage.setItem("promocast.lang", state.lang); applyLang(); });
    $("token-save").addEventListener("click", () => { localStorage.setItem("promocast.token", $("token").value); location.reload(); });
    $("period-from").addEventListener("change", () => { state.from = Number($("period-from").value); schedule(); });
    $("period-to").addEventListener("change", () => { state.to = Number($("period-to").value); schedule(); });
    $("on-hand").addEventListener("input", schedule);
    $("series-filter").addEventListener("input", renderSeriesList);
    $("opt-run").addEventListener("click", runOptimize);
    $("bt-model").addEventListener("change", () => loadBacktest($("bt-model").value));
    $("bt-series").addEventListener("change", () => loadBacktest($("bt-model").value, $("bt-series").value));
    try {
      state.spec = await api("GET", "/v1/spec");
    } catch (err) { showError(err); return; }
    buildControls();
    await update();
  }
  start();
})();
