// The operators' dashboard: reads /dashboard/v1/summary with the operator key and draws it.
// The key comes from the form, or once from the address fragment (#key=...), which is removed at
// once; it is kept in this tab's sessionStorage only.
"use strict";

const KEY = "iop-operator-key";
const REFRESH_MS = 30000;
const PLOT = { displayModeBar: false, responsive: true };
const LAYOUT = { margin: { l: 48, r: 12, t: 8, b: 40 }, barmode: "group", legend: { orientation: "h", y: -0.2 },
                 font: { family: "system-ui, sans-serif", size: 12 }, paper_bgcolor: "#fff", plot_bgcolor: "#fff" };
const OUTCOME_COLOURS = { completed: "#067647", against_advice: "#b42318", administrative: "#7a5af8",
                          transferred: "#1570ef", other: "#98a2b3", death: "#344054", incarcerated: "#dc6803" };

function $(id) { return document.getElementById(id); }
function sum(values) { return values.reduce((a, b) => a + (b || 0), 0); }
function percent(met, eligible) { return eligible ? Math.round(100 * met / eligible) + "%" : "–"; }

function weekLabel(monday) {
  return new Date(monday + "T12:00:00Z").toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
}

function keyFromFragment() {
  const found = location.hash.match(/key=([^&]+)/);
  if (found) {
    sessionStorage.setItem(KEY, decodeURIComponent(found[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
}

function askForKey(message) {
  $("panels").hidden = true;
  $("forget-key").hidden = true;
  $("key-form").hidden = false;
  $("status").textContent = message;
}

async function load() {
  const key = sessionStorage.getItem(KEY);
  if (!key) { askForKey("an operator key is needed"); return; }
  let answer;
  try {
    answer = await fetch("v1/summary", { headers: { Authorization: "Bearer " + key } });
  } catch (error) {
    $("status").textContent = "the server does not answer; retrying";
    return;
  }
  if (answer.status === 401 || answer.status === 403) {
    sessionStorage.removeItem(KEY);
    askForKey(answer.status === 401 ? "unknown key" : "that key is not an operator's");
    return;
  }
  const summary = await answer.json();
  $("key-form").hidden = true;
  $("panels").hidden = false;
  $("forget-key").hidden = false;
  draw(summary);
  $("status").textContent = "updated " + new Date(summary.generated_at).toLocaleTimeString();
  document.body.dataset.ready = "true";
}

function draw(summary) {
  drawCensus(summary.census || []);
  drawDischarges(summary.discharges);
  drawFollowUp(summary.follow_up);
  drawTasks(summary.tasks);
  drawPipeline(summary.pipeline || []);
  const errors = Object.entries(summary.errors || {}).map(([part, why]) => part + ": " + why);
  $("errors").textContent = errors.length ? "Not shown: " + errors.join("; ") : "";
}

function drawCensus(sites) {
  const programs = [...new Set(sites.flatMap(site => Object.keys(site.active)))].sort();
  const traces = programs.map(program => ({ type: "bar", name: program, x: sites.map(s => s.site_id),
                                            y: sites.map(s => s.active[program] || 0) }));
  Plotly.react($("chart-census"), traces, { ...LAYOUT, yaxis: { title: "active enrollments", rangemode: "tozero" } }, PLOT);
  $("kpi-active").textContent = sum(sites.map(site => site.active_total));
}

function drawDischarges(discharges) {
  if (!discharges) { Plotly.purge($("chart-discharges")); return; }
  const traces = Object.entries(discharges.by_outcome).map(([outcome, counts]) => ({
    type: "bar", name: outcome.replace("_", " "), x: discharges.weeks.map(weekLabel), y: counts,
    marker: { color: OUTCOME_COLOURS[outcome] } }));
  Plotly.react($("chart-discharges"), traces,
               { ...LAYOUT, barmode: "stack", xaxis: { title: "week starting (Monday)", type: "category" },
                 yaxis: { title: "discharges" } }, PLOT);
  const completed = sum(discharges.by_outcome.completed || []);
  $("kpi-completions").textContent = completed;
  $("kpi-discharges").textContent = sum(Object.values(discharges.by_outcome).flat()) - completed;
}

function drawFollowUp(followUp) {
  if (!followUp) { Plotly.purge($("chart-follow-up")); return; }
  const sites = followUp.sites;
  const trace = (days, colour) => ({
    type: "bar", name: "within " + days + " days", x: sites.map(s => s.site_id), marker: { color: colour },
    y: sites.map(s => s["rate_" + days] === null ? 0 : Math.round(100 * s["rate_" + days])),
    text: sites.map(s => s["met_" + days] + " of " + s["eligible_" + days]), textposition: "auto" });
  Plotly.react($("chart-follow-up"), [trace(7, "#1570ef"), trace(30, "#067647")],
               { ...LAYOUT, yaxis: { title: "% of decided discharges", range: [0, 100] } }, PLOT);
  const met = days => sum(sites.map(s => s["met_" + days]));
  const eligible = days => sum(sites.map(s => s["eligible_" + days]));
  $("kpi-rate-7").textContent = percent(met(7), eligible(7));
  $("kpi-rate-30").textContent = percent(met(30), eligible(30));
  $("follow-up-note").textContent = "Discharges from " + followUp.from + " to " + followUp.to +
    "; a window still open is not counted yet.";
}

function drawTasks(tasks) {
  const body = $("tasks-table").querySelector("tbody");
  if (!tasks) {
    Plotly.purge($("chart-tasks"));
    body.replaceChildren();
    $("tasks-note").textContent = "task counts could not be read";
    $("kpi-open-tasks").textContent = "n/a";
    $("kpi-overdue-tasks").textContent = "n/a";
    return;
  }
  const sites = tasks.sites;
  Plotly.react($("chart-tasks"), [
    { type: "bar", name: "open", x: sites.map(s => s.site_id), y: sites.map(s => s.open), marker: { color: "#1570ef" } },
    { type: "bar", name: "overdue", x: sites.map(s => s.site_id), y: sites.map(s => s.overdue), marker: { color: "#b42318" } },
  ], { ...LAYOUT, yaxis: { title: "tasks", rangemode: "tozero" } }, PLOT);
  $("kpi-open-tasks").textContent = sum(sites.map(s => s.open));
  const overdue = sum(sites.map(s => s.overdue));
  $("kpi-overdue-tasks").textContent = overdue;
  $("kpi-overdue-tasks").classList.toggle("bad", overdue > 0);
  body.replaceChildren(...tasks.by_kind.map(row => {
    const tr = document.createElement("tr");
    tr.dataset.kind = row.kind;
    [row.kind.replaceAll("_", " "), row.open, row.overdue].forEach((value, index) => {
      const td = document.createElement("td");
      td.textContent = value;
      if (index === 2 && row.overdue) td.className = "bad";
      tr.appendChild(td);
    });
    return tr;
  }));
  $("tasks-note").textContent = "Open (open or assigned) includes overdue: due before the site's today" +
    (sites.length ? " (" + sites[0].as_of + ")" : "") + ".";
}

function drawPipeline(rows) {
  const services = rows.map(row => row.service);
  const series = (name, field, colour) => ({ type: "bar", name, x: services, y: rows.map(row => row[field] || 0),
                                             marker: { color: colour } });
  Plotly.react($("chart-pipeline"), [series("queue depth", "queue", "#1570ef"),
                                      series("dead letters", "dead_letters", "#b42318"),
                                      series("outbox backlog", "outbox", "#dc6803")],
               { ...LAYOUT, yaxis: { title: "messages", rangemode: "tozero",
                                     range: [0, Math.max(5, ...rows.map(r => Math.max(r.queue || 0, r.dead_letters || 0,
                                                                                     r.outbox || 0))) * 1.1] } }, PLOT);
  const body = $("pipeline-table").querySelector("tbody");
  body.replaceChildren(...rows.map(row => {
    const tr = document.createElement("tr");
    const cells = [row.service, row.ready ? "ready" : row.detail, row.queue ?? "?", row.dead_letters ?? "?",
                   row.outbox ?? "?", row.outbox ? Math.round(row.outbox_oldest_age_seconds) + " s" : "–"];
    cells.forEach((value, index) => {
      const td = document.createElement("td");
      td.textContent = value;
      if (index === 1) td.className = row.ready ? "good" : "bad";
      if (index === 3 && row.dead_letters) td.className = "bad";
      tr.appendChild(td);
    });
    return tr;
  }));
  const dead = sum(rows.map(row => row.dead_letters));
  $("kpi-dead-letters").textContent = dead;
  $("kpi-dead-letters").classList.toggle("bad", dead > 0);
  $("kpi-outbox").textContent = sum(rows.map(row => row.outbox));
}

$("key-form").addEventListener("submit", event => {
  event.preventDefault();
  sessionStorage.setItem(KEY, $("key-input").value.trim());
  $("key-input").value = "";
  load();
});
$("forget-key").addEventListener("click", () => { sessionStorage.removeItem(KEY); askForKey("key forgotten"); });

keyFromFragment();
load();
setInterval(load, REFRESH_MS);
