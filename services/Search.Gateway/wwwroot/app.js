// The answer-box page. Every piece of document, model or user text goes into the page through
// textContent (or text nodes), never as HTML, so such text cannot inject markup.
"use strict";

// ---- The page's words, in the three languages the search serves. ----

const STRINGS = {
  "en": {
    title: "Search",
    queryLabel: "Search query",
    placeholder: "Ask a question",
    search: "Search",
    answer: "Answer",
    generated: "Generated",
    reviewed: "Reviewed",
    results: "Results",
    source: "Source: ",
    confidence: n => `confidence ${n}%`,
    generatedNote: "Written by a model from the results it cites; check them.",
    reviewedNote: "Checked by a reviewer.",
    writing: "Writing… not yet checked against the sources.",
    withdrawn: "A generated answer was withdrawn: it did not pass its check against the sources.",
    feedbackGroup: "Feedback on this answer",
    helpful: "Helpful",
    notHelpful: "Not helpful",
    report: "Report a wrong answer",
    correctionLabel: "What should the answer be? (optional)",
    sendReport: "Send report",
    sending: "Sending…",
    thanks: "Thank you: your feedback was recorded.",
    feedbackRefused: status => `Feedback was not recorded (error ${status}).`,
    feedbackUnreachable: "Feedback could not be sent: the service could not be reached.",
    searching: "Searching…",
    noResults: "No results.",
    refused: "The search was not done: ",
    tooMany: s => `Too many searches from here: try again ${s ? `in ${s} s` : "shortly"}.`,
    busy: s => `The search service is busy: try again ${s ? `in ${s} s` : "shortly"}.`,
    unavailable: "The search service is unavailable right now: try again shortly.",
    error: status => `The search failed (error ${status}).`,
    unreachable: "The search service could not be reached.",
    partial: stages => `Partial results: ${stages} unavailable.`,
    list: items => items.join(", "),
    languages: { LANGUAGE_EN: "English", LANGUAGE_ZH_HANS: "Simplified Chinese", LANGUAGE_ZH_HANT: "Traditional Chinese" },
    intents: { INTENT_QUESTION: "question", INTENT_KEYWORD: "keyword", INTENT_NAVIGATIONAL: "navigational" },
    stages: { router: "router", retrieval: "retrieval", rerank: "rerank", answer: "answer", generation: "generation" },
    statuses: { skipped: "skipped", failed: "failed", timeout: "timed out", open: "circuit open" },
    ms: n => `${n} ms`,
    morePassages: n => n === 1 ? "1 more passage from this page" : `${n} more passages from this page`,
    citation: (n, title) => `Source ${n}: ${title}`,
  },
  "zh-Hans": {
    title: "搜索",
    queryLabel: "搜索内容",
    placeholder: "问一个问题",
    search: "搜索",
    answer: "答案",
    generated: "生成的回答",
    reviewed: "已审核",
    results: "搜索结果",
    source: "来源：",
    confidence: n => `置信度 ${n}%`,
    generatedNote: "由模型根据所引用的结果写成，请核对。",
    reviewedNote: "经审核人员确认。",
    writing: "正在生成…尚未对照来源核对。",
    withdrawn: "生成的回答已撤回：未通过与来源的核对。",
    feedbackGroup: "对此答案的反馈",
    helpful: "有帮助",
    notHelpful: "没有帮助",
    report: "报告错误答案",
    correctionLabel: "正确答案是什么？（可选）",
    sendReport: "提交报告",
    sending: "正在发送…",
    thanks: "谢谢，您的反馈已记录。",
    feedbackRefused: status => `反馈未能记录（错误 ${status}）。`,
    feedbackUnreachable: "无法发送反馈：服务无法连接。",
    searching: "正在搜索…",
    noResults: "没有结果。",
    refused: "搜索未完成：",
    tooMany: s => `搜索过于频繁，请${s ? ` ${s} 秒后` : "稍后"}再试。`,
    busy: s => `搜索服务繁忙，请${s ? ` ${s} 秒后` : "稍后"}再试。`,
    unavailable: "搜索服务暂时不可用，请稍后再试。",
    error: status => `搜索失败（错误 ${status}）。`,
    unreachable: "无法连接搜索服务。",
    partial: stages => `部分结果：${stages}不可用。`,
    list: items => items.join("、"),
    languages: { LANGUAGE_EN: "英语", LANGUAGE_ZH_HANS: "简体中文", LANGUAGE_ZH_HANT: "繁体中文" },
    intents: { INTENT_QUESTION: "问题", INTENT_KEYWORD: "关键词", INTENT_NAVIGATIONAL: "导航" },
    stages: { router: "路由", retrieval: "检索", rerank: "重排序", answer: "答案", generation: "生成" },
    statuses: { skipped: "跳过", failed: "失败", timeout: "超时", open: "熔断" },
    ms: n => `${n} 毫秒`,
    morePassages: n => `此网页另有 ${n} 个段落`,
    citation: (n, title) => `来源 ${n}：${title}`,
  },
  "zh-Hant": {
    title: "搜尋",
    queryLabel: "搜尋內容",
    placeholder: "問一個問題",
    search: "搜尋",
    answer: "答案",
    generated: "生成的回答",
    reviewed: "已審核",
    results: "搜尋結果",
    source: "來源：",
    confidence: n => `信心度 ${n}%`,
    generatedNote: "由模型根據所引用的結果寫成，請核對。",
    reviewedNote: "經審核人員確認。",
    writing: "正在生成…尚未對照來源核對。",
    withdrawn: "生成的回答已撤回：未通過與來源的核對。",
    feedbackGroup: "對此答案的意見",
    helpful: "有幫助",
    notHelpful: "沒有幫助",
    report: "回報錯誤答案",
    correctionLabel: "正確答案是什麼？（選填）",
    sendReport: "送出回報",
    sending: "正在傳送…",
    thanks: "謝謝，您的意見已記錄。",
    feedbackRefused: status => `意見未能記錄（錯誤 ${status}）。`,
    feedbackUnreachable: "無法傳送意見：服務無法連線。",
    searching: "正在搜尋…",
    noResults: "沒有結果。",
    refused: "搜尋未完成：",
    tooMany: s => `搜尋過於頻繁，請${s ? ` ${s} 秒後` : "稍後"}再試。`,
    busy: s => `搜尋服務繁忙，請${s ? ` ${s} 秒後` : "稍後"}再試。`,
    unavailable: "搜尋服務暫時無法使用，請稍後再試。",
    error: status => `搜尋失敗（錯誤 ${status}）。`,
    unreachable: "無法連線搜尋服務。",
    partial: stages => `部分結果：${stages}無法使用。`,
    list: items => items.join("、"),
    languages: { LANGUAGE_EN: "英文", LANGUAGE_ZH_HANS: "簡體中文", LANGUAGE_ZH_HANT: "繁體中文" },
    intents: { INTENT_QUESTION: "問題", INTENT_KEYWORD: "關鍵字", INTENT_NAVIGATIONAL: "導覽" },
    stages: { router: "路由", retrieval: "檢索", rerank: "重新排序", answer: "答案", generation: "生成" },
    statuses: { skipped: "略過", failed: "失敗", timeout: "逾時", open: "熔斷" },
    ms: n => `${n} 毫秒`,
    morePassages: n => `此網頁另有 ${n} 個段落`,
    citation: (n, title) => `來源 ${n}：${title}`,
  },
};

// The route's language ("LANGUAGE_ZH_HANT") as a UI language; null when the route does not say.
function uiLanguageOfRoute(language) {
  return { LANGUAGE_EN: "en", LANGUAGE_ZH_HANS: "zh-Hans", LANGUAGE_ZH_HANT: "zh-Hant" }[language] || null;
}

// Before the first query: the browser's first language the page has words for.
function uiLanguageOfBrowser() {
  for (const tag of navigator.languages || [navigator.language || "en"]) {
    const lower = tag.toLowerCase();
    if (lower.startsWith("zh")) {
      return /hant|-tw|-hk|-mo/.test(lower) ? "zh-Hant" : "zh-Hans";
    }
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

let ui = uiLanguageOfBrowser();
const t = key => STRINGS[ui][key];
// A value the server names ("INTENT_QUESTION", "rerank") in the page's words; as the server names it when the page has none.
const word = (key, value) => Object.hasOwn(t(key), value) ? t(key)[value]
  : String(value || "").replace(/^[A-Z]+_/, "").toLowerCase().replace("_", "-");

// Puts the current language's words into every element marked with data-text / data-placeholder / data-label.
function applyLanguage(language) {
  ui = language;
  document.documentElement.lang = language;
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = t(node.dataset.text);
  for (const node of document.querySelectorAll("[data-placeholder]")) node.placeholder = t(node.dataset.placeholder);
  for (const node of document.querySelectorAll("[data-label]")) node.setAttribute("aria-label", t(node.dataset.label));
}

// ---- Elements and state. ----

const form = document.getElementById("search-form");
const input = document.getElementById("q");
const statusLine = document.getElementById("status");
const answerBox = document.getElementById("answer");
const answerLabel = document.getElementById("answer-label");
const answerText = answerBox.querySelector(".answer-text");
const answerPassage = answerBox.querySelector(".answer-passage");
const answerSource = answerBox.querySelector(".answer-source");
const resultsSection = document.getElementById("results-section");
const resultList = document.getElementById("results");
const meta = document.getElementById("meta");
const feedbackButtons = answerBox.querySelectorAll(".feedback button");
const reportForm = document.getElementById("report");
const correctionInput = document.getElementById("correction");
const feedbackStatus = answerBox.querySelector(".feedback-status");

// What the box shows now, for feedback (null when no finished answer is shown).
let shown = null;
let currentQuery = "";

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Text from documents, isolated so its direction cannot reorder the page's own text around it.
function bdi(text) {
  const node = el("bdi", "", text);
  node.dir = "auto";
  return node;
}

// Only http(s) urls are made into links: a "javascript:" url in a document must stay inert.
function safeUrl(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed : null;
  } catch {
    return null;
  }
}

function link(url, text, className) {
  const a = el("a", className, text);
  a.href = url.href;
  a.rel = "noopener noreferrer";
  return a;
}

// ---- Excerpts: a window of about 35 words (or 100 Han characters) around what matters. ----

const HAN = /\p{Script=Han}/u;

function excerptLength(text) {
  const han = (text.match(/\p{Script=Han}/gu) || []).length;
  return han > text.length / 3 ? 100 : 220;
}

// The [start, end) window of text that covers the most spans within the excerpt length, starting a little
// before the first span it holds; its ends moved to word boundaries (Latin text) so no word is cut.
function excerptWindow(text, spans, length = excerptLength(text)) {
  if (text.length <= length * 1.3) return { start: 0, end: text.length };
  let start = 0, end = length, covered = -1, focus = 0;
  for (const first of spans) {
    const from = Math.max(0, first.start - Math.floor(length / 5));
    const to = Math.max(from + length, first.end);
    const count = spans.filter(s => s.start >= from && s.end <= to).length;
    if (count > covered) [start, end, covered, focus] = [from, to, count, first.start];
  }
  if (end > text.length) [start, end] = [Math.max(0, Math.min(start, text.length - length)), text.length];
  [start, end] = [wordBoundary(text, start), wordBoundary(text, end)];
  // Start at the next clause (Chinese) or sentence (Latin), when one begins soon and before the match.
  const chinese = excerptLength(text) < 150;
  const next = text.slice(start, Math.min(start + (chinese ? 12 : 40), focus)).match(chinese ? /[，。；！？、]/ : /[.!?;]\s+/);
  if (start > 0 && next) start += next.index + next[0].length;
  // An excerpt starting after the text's start does not open with the previous sentence's punctuation.
  while (start > 0 && start < end && /[\s,.;:!?，。；：！？、）)]/.test(text[start])) start++;
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}

// at, or the nearest place within 25 characters that is not inside a word (back first, then forward).
const WORD = /[\p{L}\p{N}]/u;
function insideWord(text, at) {
  return at > 0 && at < text.length && WORD.test(text[at - 1]) && WORD.test(text[at]) &&
    !HAN.test(text[at - 1]) && !HAN.test(text[at]);
}
function wordBoundary(text, at) {
  for (let step = 0; step <= 25; step++) {
    if (!insideWord(text, at - step)) return at - step;
    if (!insideWord(text, at + step)) return Math.min(text.length, at + step);
  }
  return at;
}

// Appends text[start, end) to parent, wrapping each of the ranges in the element make() returns.
// Ranges are [start, end) in text; overlapping or empty ones are skipped.
function appendMarked(parent, text, ranges, make = s => el("mark", "", s), start = 0, end = text.length) {
  let at = start;
  const sorted = ranges.filter(r => r.end > r.start).sort((a, b) => a.start - b.start);
  for (const range of sorted) {
    const from = Math.max(range.start, start), to = Math.min(range.end, end);
    if (from < at || to <= from) continue;
    parent.append(text.slice(at, from), make(text.slice(from, to), range, from));
    at = to;
  }
  parent.append(text.slice(at, end));
}

// A snippet of text around its matched spans, with the spans marked and "…" where text was left out.
function snippet(text, spans) {
  const node = el("p", "snippet");
  node.dir = "auto";
  const { start, end } = excerptWindow(text, spans);
  if (start > 0) node.append("… ");
  appendMarked(node, text, spans, undefined, start, end);
  if (end < text.length) node.append(" …");
  return node;
}

// ---- The answer box. ----

// "answer", "generated" or "reviewed": the label (data-text keeps it right when the language changes) and the style.
function setBoxKind(kind, provisional = false) {
  answerLabel.dataset.text = kind;
  answerLabel.textContent = t(kind);
  answerBox.dataset.kind = kind;
  // Streamed text is provisional until its check: marked, and busy for assistive technology.
  answerBox.classList.toggle("provisional", provisional);
  answerBox.setAttribute("aria-busy", String(provisional));
}

// The source of a passage: its title (a link when its url is http(s)) and the url's host, shown as text.
function appendSource(parent, passage) {
  const url = safeUrl(passage.url);
  const title = passage.title || passage.document_id || "";
  parent.append(url ? link(url, "", "source-title") : el("span", "source-title"));
  parent.lastChild.append(bdi(title));
  if (url) parent.append(" ", el("span", "domain", url.host));
}

// The extractive (or reviewed) answer: the answer emphasised inside its sentence, inside an excerpt of
// the passage around that sentence; then its source.
function renderAnswer(answer) {
  answerBox.hidden = !answer;
  answerBox.classList.remove("provisional");
  answerBox.setAttribute("aria-busy", "false");
  resetFeedback(answer ? {
    answer: answer.text,
    passage_id: (answer.passage || {}).passage_id || "",
    model_version: answer.model_version || "",
  } : null);
  if (!answer) return;
  const reviewed = answer.reviewed === true;
  setBoxKind(reviewed ? "reviewed" : "answer");
  const passage = answer.passage || {};
  const text = passage.text || "";
  const span = { start: answer.answer_start || 0, end: answer.answer_end || 0 };
  const sentence = answer.sentence && answer.sentence.end > answer.sentence.start ? answer.sentence : span;

  // The headline: the answer; a whole-sentence answer with the reader's short answer emphasised in it.
  answerText.classList.remove("generated");
  answerText.replaceChildren();
  const short = answer.short_answer && answer.text.includes(answer.short_answer) && answer.short_answer !== answer.text
    ? answer.short_answer : "";
  // Where the short answer stands in the passage: the answer service's range when it gives one (the sentence may
  // say it twice: "…至中午12點…，週六…至中午12點"), else its first place in the answer.
  // (JSON leaves out a zero start.)
  const given = answer.short_answer_range ? { start: answer.short_answer_range.start || 0, end: answer.short_answer_range.end || 0 } : null;
  const shortAt = given && given.start >= span.start && given.end <= span.end && text.slice(given.start, given.end) === short
    ? given.start : span.start + answer.text.indexOf(short);
  if (short) {
    const at = shortAt - span.start;
    appendMarked(answerText, answer.text, [{ start: at, end: at + short.length }], s => el("strong", "", s));
  } else {
    answerText.textContent = answer.text;
  }

  // The passage: the sentence set apart, the answer marked inside it.
  answerPassage.replaceChildren();
  if (text && span.end > span.start) {
    const around = excerptWindow(text, [sentence], Math.max(excerptLength(text) * 1.5, sentence.end - sentence.start));
    if (around.start > 0) answerPassage.append("… ");
    answerPassage.append(text.slice(around.start, Math.min(sentence.start, around.end)));
    const inSentence = el("span", "answer-sentence");
    appendMarked(inSentence, text, [span], (s, _, from) => {
      const mark = el("mark", "", s);
      const at = shortAt - from;
      if (short && at >= 0 && at + short.length <= s.length) {
        mark.className = "with-short";
        mark.replaceChildren();
        appendMarked(mark, s, [{ start: at, end: at + short.length }], x => el("strong", "", x));
      }
      return mark;
    }, Math.max(sentence.start, around.start), Math.min(sentence.end, around.end));
    answerPassage.append(inSentence, text.slice(Math.max(sentence.end, around.start), around.end));
    if (around.end < text.length) answerPassage.append(" …");
  }

  answerSource.replaceChildren(el("span", "", t("source")));
  appendSource(answerSource, passage);
  if (reviewed) {
    answerSource.append(" · ", el("span", "note", t("reviewedNote")));
  } else if (typeof answer.confidence === "number") {
    answerSource.append(" · ", el("span", "", t("confidence")(Math.round(answer.confidence * 100))));
  }
}

// Text written by the model, with each "[n]" turned into a link to the result it cites.
// Model text is plain text like document text: it goes in as text nodes only.
function renderGenerated(answer, results) {
  answerBox.hidden = false;
  // A generated answer is tied to the first passage it cites.
  resetFeedback({
    answer: (answer.generated_text || "").slice(0, 2000),
    passage_id: ((answer.citations || [])[0] || {}).passage_id || "",
    model_version: answer.model_version || "",
  });
  setBoxKind("generated");
  answerText.classList.add("generated");
  answerText.replaceChildren();
  const byIndex = new Map((answer.citations || []).map(c => [c.index, c.passage_id]));
  const text = answer.generated_text || "";
  const marks = /\[(\d+(?:\s*,\s*\d+)*)\]/g;
  let at = 0;
  for (const match of text.matchAll(marks)) {
    answerText.append(text.slice(at, match.index));
    for (const n of match[1].split(",").map(x => Number(x.trim()))) {
      const target = results.find(r => r.passage_id === byIndex.get(n));
      if (target) {
        const a = el("a", "citation", `[${n}]`);
        a.href = "#" + resultAnchor(target.document_id);
        a.title = t("citation")(n, target.title || target.document_id);
        answerText.append(a);
      } else {
        answerText.append(`[${n}]`);
      }
    }
    at = match.index + match[0].length;
  }
  answerText.append(text.slice(at));
  answerPassage.replaceChildren();
  answerSource.replaceChildren(el("span", "note", t("generatedNote")));
}

function showStreaming(text) {
  answerBox.hidden = false;
  resetFeedback(null);
  setBoxKind("generated", true);
  answerText.classList.add("generated");
  answerText.textContent = text;
  answerPassage.replaceChildren();
  answerSource.textContent = t("writing");
}

// ---- Results, one per document. ----

// An id fit for an anchor, from a document id (which may hold anything).
const anchors = new Map();
function resultAnchor(documentId) {
  return anchors.get(documentId);
}

// Results arrive one per passage, best first; a document's first passage places it.
function groupByDocument(results) {
  const groups = new Map();
  for (const result of results) {
    const key = result.document_id || result.passage_id;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(result);
  }
  return [...groups.values()];
}

function passageSnippet(result) {
  const highlight = result.highlight || {};
  const text = highlight.text || result.text || "";
  return snippet(text, highlight.text ? highlight.spans || [] : []);
}

function renderResults(results) {
  resultList.replaceChildren();
  anchors.clear();
  resultsSection.hidden = results.length === 0;
  for (const [i, passages] of groupByDocument(results).entries()) {
    const [best, ...more] = passages;
    const item = el("li", "result");
    item.id = `result-${i + 1}`;
    item.tabIndex = -1;
    anchors.set(best.document_id, item.id);

    const url = safeUrl(best.url);
    const heading = el("h3", "result-title");
    heading.append(url ? link(url, "") : el("span"));
    heading.lastChild.append(bdi(best.title || best.document_id));
    item.append(heading);
    if (url) item.append(el("div", "url", url.host + (url.pathname === "/" ? "" : url.pathname)));
    item.append(passageSnippet(best));

    if (more.length > 0) {
      const details = el("details", "more");
      details.append(el("summary", "", t("morePassages")(more.length)));
      for (const passage of more) details.append(passageSnippet(passage));
      item.append(details);
    }
    resultList.append(item);
  }
}

// The route and the time each stage took: "Simplified Chinese · question · 52.1 ms · router 1.2 ms · …", in the page's words.
function renderMeta(body) {
  const timings = (body.timings || []).map(x =>
    `${word("stages", x.stage)} ${t("ms")(x.ms.toFixed(1))}${x.status === "ok" ? "" : ` (${word("statuses", x.status)})`}`);
  meta.textContent = [word("languages", body.route.language), word("intents", body.route.intent), t("ms")((body.total_ms || 0).toFixed(1)), ...timings].join(" · ");
  if ((body.degraded || []).length > 0) showStatus(t("partial")(t("list")(body.degraded.map(s => word("stages", s)))), true);
}

// The status line: the page's words, and text from elsewhere as nodes (never markup).
function showStatus(content, problem = false) {
  statusLine.replaceChildren(...[].concat(content));
  statusLine.className = problem ? "degraded" : "";
}

// A search the server did not answer: in the query's language when the server names it, else the page's; the server's own
// message (English, and it may quote the query) after the page's lead-in, as text.
function showFailure(response, body) {
  applyLanguage(Object.hasOwn(STRINGS, body.language || "") ? body.language : ui);
  const seconds = Number.parseInt(response.headers.get("Retry-After"), 10) || null;
  if (response.status === 400 && body.detail) {
    const detail = bdi(body.detail);
    detail.lang = "en";
    showStatus([t("refused"), detail], true);
  } else if (response.status === 429) {
    showStatus(t("tooMany")(seconds), true);
  } else if (response.status === 503) {
    showStatus(seconds ? t("busy")(seconds) : t("unavailable"), true);
  } else {
    showStatus(t("error")(response.status), true);
  }
}

// ---- Searching. ----

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
  showStatus(t("searching"));
  try {
    const response = await fetch("/api/search/stream?q=" + encodeURIComponent(query));
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      renderAnswer(null);
      renderResults([]);
      meta.textContent = "";
      showFailure(response, body);
      return;
    }
    let results = [];
    let written = "";
    renderAnswer(null);
    for await (const event of readEvents(response)) {
      if (event.name === "results") {
        results = event.data.results;
        // The page speaks the query's language from here on.
        applyLanguage(uiLanguageOfRoute(event.data.route.language) || ui);
        renderResults(results);
        showStatus(results.length === 0 ? t("noResults") : "");
        renderMeta(event.data);
      } else if (event.name === "token") {
        written += event.data.text;
        showStreaming(written);
      } else if (event.name === "answer") {
        if (event.data.generated_shown) {
          renderGenerated(event.data, results);
        } else {
          // Generation was off or failed its checks: the extractive box (or none) replaces what was written,
          // and a withdrawn text is said to be withdrawn.
          renderAnswer(event.data.answer);
          if (event.data.withdrawn) showStatus(t("withdrawn"), true);
        }
      }
    }
  } catch {
    showStatus(t("unreachable"), true);
  }
}

// ---- Feedback on the box: enabled only while a finished answer is shown; one piece per answer. ----

function resetFeedback(answer) {
  shown = answer ? { query: currentQuery, ...answer } : null;
  for (const button of feedbackButtons) button.disabled = !shown;
  reportForm.hidden = true;
  answerBox.querySelector("[data-kind=wrong_answer]").setAttribute("aria-expanded", "false");
  correctionInput.value = "";
  feedbackStatus.textContent = "";
}

async function sendFeedback(kind, correction) {
  if (!shown) return;
  const body = { kind, query: shown.query, answer: shown.answer, passage_id: shown.passage_id, model_version: shown.model_version };
  if (correction) body.correction = correction;
  for (const button of feedbackButtons) button.disabled = true;
  feedbackStatus.textContent = t("sending");
  try {
    const response = await fetch("/api/feedback", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (response.ok) {
      reportForm.hidden = true;
      feedbackStatus.textContent = t("thanks");
      return;
    }
    const problem = await response.json().catch(() => ({}));
    feedbackStatus.textContent = problem.detail || t("feedbackRefused")(response.status);
  } catch {
    feedbackStatus.textContent = t("feedbackUnreachable");
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

applyLanguage(ui);
const initial = new URLSearchParams(location.search).get("q");
if (initial) {
  input.value = initial;
  search(initial);
}
