// The mvpn dashboard: polls the appliance's /api/v1/dashboard twice a second and redraws.
// Every value from the appliance goes into the page as text (never as markup): tenant
// descriptions and event details come from outside.
"use strict";

const POLL_MS = 500;
const WINDOW_SECONDS = 600;
const MIN_SPAN_SECONDS = 60;
const SVG = "http://www.w3.org/2000/svg";

function el(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  if (className) {
    e.className = className;
  }
  return e;
}

function row(cells, attributes) {
  const tr = document.createElement("tr");
  for (const [name, value] of Object.entries(attributes || {})) {
    tr.setAttribute(name, value);
  }
  for (const c of cells) {
    tr.appendChild(c instanceof Node ? c : el("td", c));
  }
  return tr;
}

function fill(tbody, rows, columns, emptyText) {
  tbody.replaceChildren(...rows);
  if (rows.length === 0) {
    const td = el("td", emptyText, "empty");
    td.colSpan = columns;
    tbody.appendChild(row([td]));
  }
}

function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : "";
}

// Where a node is, as an operator names it: the foreign agent, a co-located address, or home.
function place(careOf, agent) {
  if (!careOf) {
    return "home";
  }
  return agent ? agent : "co-located";
}

function placeWithAddress(careOf, agent) {
  const where = place(careOf, agent);
  return careOf ? where + " (" + careOf + ")" : where;
}

function drawTenants(tenants) {
  const rows = tenants.map((t) =>
    row(
      [
        t.name,
        t.description || "",
        t.homeAgent ? t.homeAgent.address : "not running",
        el("td", t.bindings, "number"),
      ],
      { "data-tenant": t.name }
    )
  );
  fill(document.querySelector("#tenants tbody"), rows, 4, "no tenants");
}

function drawNodes(nodes) {
  const rows = nodes.map((n) =>
    row(
      [
        n.tenant,
        n.homeAddress,
        el("td", place(n.careOfAddress, n.foreignAgent), "where"),
        n.careOfAddress || "",
        clock(n.since),
      ],
      { "data-node": n.tenant + "/" + n.homeAddress }
    )
  );
  fill(document.querySelector("#nodes tbody"), rows, 5, "no mobile node registered yet");
}

function drawHandovers(handovers) {
  const list = document.querySelector("#handovers ol");
  const items = handovers
    .slice()
    .reverse()
    .map((h) => {
      const li = el("li");
      li.setAttribute("data-node", h.tenant + "/" + h.homeAddress);
      const time = el("time", clock(h.time));
      time.setAttribute("datetime", h.time);
      li.appendChild(time);
      li.appendChild(
        document.createTextNode(
          h.tenant +
            " " +
            h.homeAddress +
            ": " +
            placeWithAddress(h.fromCareOf, h.fromAgent) +
            " \u2192 " +
            placeWithAddress(h.toCareOf, h.toAgent)
        )
      );
      return li;
    });
  list.replaceChildren(...items);
  if (items.length === 0) {
    list.appendChild(el("li", "no handover yet", "empty"));
  }
}

function svg(tag, attributes) {
  const e = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    e.setAttribute(name, value);
  }
  return e;
}

// A round upper bound for the y axis: 1, 2 or 5 times a power of ten.
function ceiling(value) {
  if (value <= 0) {
    return 1;
  }
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 5, 10]) {
    if (value <= step * power) {
      return step * power;
    }
  }
  return 10 * power;
}

function chart(series) {
  const width = 600;
  const height = 120;
  const box = svg("svg", {
    viewBox: "0 0 " + width + " " + height,
    preserveAspectRatio: "none",
    role: "img",
  });
  box.setAttribute("aria-label", "traffic of " + series.tenant);
  const samples = series.samples;
  if (samples.length === 0) {
    return box;
  }
  // The axis spans the samples there are (at least a minute), up to the window: a young
  // appliance's first minutes fill the width rather than a sliver at its right edge.
  const end = Date.parse(samples[samples.length - 1].time);
  const span = Math.min(
    WINDOW_SECONDS,
    Math.max(MIN_SPAN_SECONDS, (end - Date.parse(samples[0].time)) / 1000)
  );
  const top = ceiling(
    Math.max(...samples.map((s) => Math.max(s.receivedBytesPerSecond, s.sentBytesPerSecond)))
  );
  const x = (s) => width - ((end - Date.parse(s.time)) / 1000 / span) * width;
  const y = (v) => height - 4 - (v / top) * (height - 16);
  for (const [field, colour] of [
    ["receivedBytesPerSecond", "#2a9d8f"],
    ["sentBytesPerSecond", "#e76f51"],
  ]) {
    const points = samples.map((s) => x(s).toFixed(1) + "," + y(s[field]).toFixed(1)).join(" ");
    box.appendChild(
      svg("polyline", {
        points: points,
        fill: "none",
        stroke: colour,
        "stroke-width": "1.5",
        "vector-effect": "non-scaling-stroke",
      })
    );
  }
  const label = svg("text", { x: "4", y: "11", "font-size": "10", fill: "#5c6670" });
  label.textContent = top + " B/s, last " + Math.round(span) + " s";
  box.appendChild(label);
  return box;
}

function drawTraffic(traffic) {
  const charts = document.querySelector("#traffic .charts");
  const figures = traffic.map((series) => {
    const figure = el("div", null, "chart");
    figure.setAttribute("data-tenant", series.tenant);
    figure.appendChild(el("h3", series.tenant));
    figure.appendChild(chart(series));
    const last = series.samples[series.samples.length - 1];
    const legend = el("div", null, "legend");
    legend.appendChild(
      el("span", "received " + (last ? Math.round(last.receivedBytesPerSecond) : 0) + " B/s", "received")
    );
    legend.appendChild(document.createTextNode(" \u00b7 "));
    legend.appendChild(
      el("span", "sent " + (last ? Math.round(last.sentBytesPerSecond) : 0) + " B/s", "sent")
    );
    figure.appendChild(legend);
    return figure;
  });
  charts.replaceChildren(...figures);
  if (figures.length === 0) {
    charts.appendChild(el("p", "no home agent running", "empty"));
  }
}

function drawEvents(events) {
  const rows = events.events
    .slice()
    .reverse()
    .map((e) => row([clock(e.time), e.tenant || "", e.function, e.source, e.reason, e.detail || ""]));
  fill(document.querySelector("#events tbody"), rows, 6, "no security event");
}

async function poll() {
  const status = document.getElementById("status");
  const started = Date.now();
  try {
    const response = await fetch("/api/v1/dashboard", {
      credentials: "same-origin",
      cache: "no-store",
    });
    if (!response.ok) {
      throw new Error("the appliance answered " + response.status);
    }
    const d = await response.json();
    drawTenants(d.tenants);
    drawNodes(d.nodes);
    drawHandovers(d.handovers);
    drawTraffic(d.traffic);
    drawEvents(d.events);
    status.textContent = "updated " + clock(new Date().toISOString());
    status.classList.remove("failed");
  } catch (e) {
    status.textContent = "no answer: " + e.message;
    status.classList.add("failed");
  }
  // Every POLL_MS from the start of the last poll, however long it took.
  setTimeout(poll, Math.max(0, POLL_MS - (Date.now() - started)));
}

poll();
