// The answer-box page. Every piece of document text goes into the page through
// textContent, never as HTML, so text from documents cannot inject markup.
"use strict";

const form = document.getElementById("search-form");
const input = document.getElementById("q");
const statusLine = document.getElementById("status");
const answerBox = document.getElementById("answer");
const resultList = document.getElementById("results");
const meta = document.getElementById("meta");
const feedbackButtons = answerBox.querySelectorAll(".feedback button");
const reportForm = document.getElementById("report");
const correctionInput = document.getElementById("correction");
const feedbackStatus = answerBox.querySelector(".feedback-status");

// What the box shows now, for feedback: the query, the answer text and its passage (null when no box is shown).
let shown = null;
let currentQuery = "";

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
  resetFeedback(answer ? { answer: answer.text, passage_id: (answer.passage || {}).passage_id || "" } : null);
  if (!answer) return;
  const passage = answer.passage || {};
  const text = passage.text || "";
  answerBox.querySelector(".answer-text").classList.remove("generated");
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
  for (const [i, result] of results.entries()) {
    const item = el("li");
    item.id = `result-${i + 1}`;
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

// Shows text written by the model with each "[n]" turned into a link to the result it cites.
// Model text is plain text like document text: it goes in through textContent only.
function renderGenerated(answer, results) {
  answerBox.hidden = false;
  // A generated answer is tied to the first passage it cites.
  resetFeedback({ answer: (answer.generated_text || "").slice(0, 2000), passage_id: ((answer.citations || [])[0] || {}).passage_id || "" });
  const target = answerBox.querySelector(".answer-text");
  target.classList.add("generated");
  target.replaceChildren();
  const byIndex = new Map((answer.citations || []).map(c => [c.index, c.passage_id]));
  const text = answer.generated_text || "";
  const marks = /\[(\d+(?:\s*,\s*\d+)*)\]/g;
  let at = 0;
  for (const match of text.matchAll(marks)) {
    target.append(text.slice(at, match.index));
    for (const n of match[1].split(",").map(x => Number(x.trim()))) {
      const row = results.findIndex(r => r.passage_id === byIndex.get(n));
      if (row >= 0) {
        const link = el("a", "citation", `[${n}]`);
        link.href = `#result-${row + 1}`;
        target.append(link);
      } else {
        target.append(`[${n}]`);
      }
    }
    at = match.index + match[0].length;
  }
  target.append(text.slice(at));
  answerBox.querySelector(".answer-passage").replaceChildren();
  answerBox.querySelector(".answer-source").textContent = "Written from the cited results.";
}

function showStreaming(text) {
  answerBox.hidden = false;
  resetFeedback(null);
  const target = answerBox.querySelector(".answer-text");
  target.classList.add("generated");
  target.textContent = text;
  answerBox.querySelector(".answer-passage").replaceChildren();
  answerBox.querySelector(".answer-source").textContent = "Writing…";
}

function renderMeta(body) {
  const timings = body.timings.map(t => `${t.stage} ${t.ms.toFixed(1)} ms${t.status === "ok" ? "" : " (" + t.status + ")"}`).join(" · ");
  meta.textContent = `${label(body.route.language, "LANGUAGE_")} · ${label(body.route.intent, "INTENT_")} · ${body.total_ms.toFixed(1)} ms · ${timings}`;
  if (body.degraded.length > 0) {
    statusLine.textContent = "Partial results: " + body.degraded.join(", ") + " unavailable.";
    statusLine.className = "degraded";
  }
}

// Reads the server-sent events of /api/search/stream: results, token…, answer, done.
async function* readEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message", data = "";
      for (const line of block.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      yield { name, data: JSON.parse(data || "{}") };
    }
  }
}

async function search(query) {
  currentQuery = query;
  statusLine.textContent = "Searching…";
  statusLine.className = "";
  try {
    const response = await fetch("/api/search/stream?q=" + encodeURIComponent(query));
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      renderAnswer(null);
      renderResults([]);
      meta.textContent = "";
      statusLine.textContent = body.detail || `Error ${response.status}`;
      statusLine.className = "degraded";
      return;
    }
    let results = [];
    let written = "";
    renderAnswer(null);
    for await (const event of readEvents(response)) {
      if (event.name === "results") {
        results = event.data.results;
        renderResults(results);
        statusLine.textContent = results.length === 0 ? "No results." : "";
        renderMeta(event.data);
      } else if (event.name === "token") {
        written += event.data.text;
        showStreaming(written);
      } else if (event.name === "answer") {
        if (event.data.generated_shown) {
          renderGenerated(event.data, results);
        } else {
          // Generation was off or failed its checks: the extractive box (or none) replaces what was written.
          renderAnswer(event.data.answer);
        }
      }
    }
  } catch (error) {
    statusLine.textContent = "The search service could not be reached.";
    statusLine.className = "degraded";
  }
}

// Feedback on the box: enabled only while a finished answer is shown; one piece of feedback per answer.
function resetFeedback(answer) {
  shown = answer ? { query: currentQuery, ...answer } : null;
  for (const button of feedbackButtons) {
    button.disabled = !shown;
  }
  reportForm.hidden = true;
  answerBox.querySelector("[data-kind=wrong_answer]").setAttribute("aria-expanded", "false");
  correctionInput.value = "";
  feedbackStatus.textContent = "";
}

async function sendFeedback(kind, correction) {
  if (!shown) return;
  const body = { kind, query: shown.query, answer: shown.answer, passage_id: shown.passage_id, model_version: "" };
  if (correction) body.correction = correction;
  for (const button of feedbackButtons) button.disabled = true;
  feedbackStatus.textContent = "Sending…";
  try {
    const response = await fetch("/api/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.ok) {
      reportForm.hidden = true;
      feedbackStatus.textContent = "Thank you: your feedback was recorded.";
      return;
    }
    const problem = await response.json().catch(() => ({}));
    feedbackStatus.textContent = problem.detail || `Feedback was not recorded (error ${response.status}).`;
  } catch {
    feedbackStatus.textContent = "Feedback could not be sent: the service could not be reached.";
  }
  for (const button of feedbackButtons) button.disabled = false;
}

for (const button of feedbackButtons) {
  button.addEventListener("click", () => {
    if (button.dataset.kind === "wrong_answer") {
      reportForm.hidden = !reportForm.hidden;
      button.setAttribute("aria-expanded", String(!reportForm.hidden));
      if (!reportForm.hidden) correctionInput.focus();
      return;
    }
    sendFeedback(button.dataset.kind);
  });
}

reportForm.addEventListener("submit", event => {
  event.preventDefault();
  sendFeedback("wrong_answer", correctionInput.value.trim());
});

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
