// The answer-box page. Every piece of document text goes into the page through
// textContent, never as HTML, so text from documents cannot inject markup.
"use strict";

const form = document.getElementById("search-form");
const input = document.getElementById("q");
const statusLine = document.getElementById("status");
const answerBox = document.getElementById("answer");
const resultList = document.getElementById("results");
const meta = document.getElementById("meta");

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Only http(s) links are made clickable: a "javascript:" url in a document must stay inert.
function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

// Appends text to parent with the given [start, end) ranges wrapped in <mark>.
function appendMarked(parent, text, spans) {
  let at = 0;
  const sorted = [...spans].filter(s => s.end > s.start).sort((a, b) => a.start - b.start);
  for (const span of sorted) {
    if (span.start < at) continue;
    parent.append(text.slice(at, span.start));
    parent.append(el("mark", "", text.slice(span.start, span.end)));
    at = span.end;
  }
  parent.append(text.slice(at));
}

function renderAnswer(answer) {
  answerBox.hidden = !answer;
  if (!answer) return;
  const passage = answer.passage || {};
  const text = passage.text || "";
  answerBox.querySelector(".answer-text").textContent = answer.text;
  const quote = answerBox.querySelector(".answer-passage");
  quote.replaceChildren();
  appendMarked(quote, text, [{ start: answer.answer_start, end: answer.answer_end }]);
  const source = answerBox.querySelector(".answer-source");
  source.replaceChildren();
  const href = safeUrl(passage.url);
  const title = passage.title || passage.document_id;
  if (href) {
    const link = el("a", "", title);
    link.href = href;
    link.rel = "noopener noreferrer";
    source.append("Source: ", link);
  } else {
    source.append("Source: " + title);
  }
  source.append(` · confidence ${(answer.confidence * 100).toFixed(0)}%`);
}

function renderResults(results) {
  resultList.replaceChildren();
  for (const result of results) {
    const item = el("li");
    const href = safeUrl(result.url);
    const heading = href ? el("a", "", result.title || result.document_id) : el("strong", "", result.title || result.document_id);
    if (href) { heading.href = href; heading.rel = "noopener noreferrer"; }
    item.append(heading);
    if (href) item.append(el("div", "url", href));
    const snippet = el("p", "snippet");
    const highlight = result.highlight || { text: result.text, spans: [] };
    appendMarked(snippet, highlight.text || result.text, highlight.spans || []);
    item.append(snippet);
    resultList.append(item);
  }
}

// "LANGUAGE_ZH_HANT" → "zh-hant", "INTENT_QUESTION" → "question".
function label(value, prefix) {
  return String(value || "").replace(prefix, "").toLowerCase().replace("_", "-");
}

async function search(query) {
  statusLine.textContent = "Searching…";
  statusLine.className = "";
  try {
    const response = await fetch("/api/search?q=" + encodeURIComponent(query));
    const body = await response.json();
    if (!response.ok) {
      renderAnswer(null);
      renderResults([]);
      meta.textContent = "";
      statusLine.textContent = body.detail || `Error ${response.status}`;
      statusLine.className = "degraded";
      return;
    }
    renderAnswer(body.answer);
    renderResults(body.results);
    statusLine.textContent = body.results.length === 0 ? "No results." : "";
    const timings = body.timings.map(t => `${t.stage} ${t.ms.toFixed(1)} ms${t.status === "ok" ? "" : " (" + t.status + ")"}`).join(" · ");
    meta.textContent = `${label(body.route.language, "LANGUAGE_")} · ${label(body.route.intent, "INTENT_")} · ${body.total_ms.toFixed(1)} ms · ${timings}`;
    if (body.degraded.length > 0) {
      statusLine.textContent = "Partial results: " + body.degraded.join(", ") + " unavailable.";
      statusLine.className = "degraded";
    }
  } catch (error) {
    statusLine.textContent = "The search service could not be reached.";
    statusLine.className = "degraded";
  }
}

form.addEventListener("submit", event => {
  event.preventDefault();
  const query = input.value.trim();
  if (!query) return;
  history.replaceState(null, "", "?q=" + encodeURIComponent(query));
  search(query);
});

const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial);
}
