// The review console: every request carries the reviewer key typed into the page (kept in memory only).
// Text from documents and people goes into the page through textContent only.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let reviewerKey = "";
  let currentItem = null;

  function setStatus(message, isError) {
    const status = $("status");
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(label, onClick) {
    const node = element("button", "", label);
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }

  function safeLink(url, text) {
    let parsed = null;
    try { parsed = new URL(url); } catch { parsed = null; }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) {
      return element("span", "meta", text || url || "");
    }
    const link = element("a", "", text || url);
    link.href = parsed.href;
    link.rel = "noopener noreferrer";
    return link;
  }

  async function call(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: body === undefined ? { "X-Api-Key": reviewerKey } : { "X-Api-Key": reviewerKey, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = null; }
    if (!response.ok) {
      const detail = json && json.detail ? json.detail : `${response.status} ${response.statusText}`;
      throw new Error(detail);
    }
    return json;
  }

  function queueEntry(entry, label) {
    const item = element("li");
    const open = button(label, () => openItem(entry.query));
    item.appendChild(open);
    return item;
  }

  async function loadQueues() {
    const queues = await call("GET", "/api/review/queues");
    const fill = (id, entries, describe) => {
      const list = $(id);
      list.replaceChildren();
      if (!entries || entries.length === 0) {
        list.appendChild(element("li", "meta", "Nothing to review."));
        return;
      }
      for (const entry of entries) list.appendChild(queueEntry(entry, describe(entry)));
    };
    fill("queue-reported", queues.reported, (e) =>
      `${e.query} — ${e.count} report(s): “${e.answer}”` + (e.correction ? `; suggested: “${e.correction}”` : ""));
    fill("queue-abstained", queues.abstained, (e) => `${e.query} — asked ${e.count} time(s)`);
    fill("queue-low", queues.low_confidence, (e) => `${e.query} — confidence ${Number(e.confidence).toFixed(2)}, asked ${e.count} time(s)`);
    $("queues").hidden = false;
  }

  function describeBox(title, box, actions) {
    const wrapper = document.createDocumentFragment();
    wrapper.appendChild(element("h3", "", title));
    const answer = element("p", "", "");
    answer.appendChild(element("strong", "", box.text));
    answer.dir = "auto";
    wrapper.appendChild(answer);
    const passage = box.passage || {};
    wrapper.appendChild(element("p", "passage", passage.text || ""));
    const meta = element("p", "meta", `confidence ${Number(box.confidence || 0).toFixed(2)} · ${box.model_version || "unknown model"} · `);
    meta.appendChild(safeLink(passage.url, passage.title || passage.url));
    wrapper.appendChild(meta);
    if (actions) wrapper.appendChild(actions);
    return wrapper;
  }

  function renderItem(item) {
    currentItem = item;
    $("item-query").textContent = item.query;
    const answerBox = $("item-answer");
    answerBox.replaceChildren();
    const model = item.answer || item.abstained_answer;
    if (model) {
      const buttons = element("div", "buttons");
      buttons.appendChild(button("Confirm this answer", () =>
        act("confirm", { query: item.query, passage_id: model.passage.passage_id, answer_start: model.answer_start, answer_end: model.answer_end }, "Confirmed")));
      answerBox.appendChild(describeBox(item.answer ? "The model's answer (shown)" : "The model's best candidate (not shown)", model, buttons));
    } else {
      answerBox.appendChild(element("p", "meta", "The answer model has no candidate for this query."));
    }

    const curatedBox = $("item-curated");
    curatedBox.replaceChildren();
    if (item.curated) curatedBox.appendChild(describeBox("Curated answer in effect", item.curated));

    const candidates = $("item-candidates");
    candidates.replaceChildren();
    const select = $("span-passage");
    select.replaceChildren();
    for (const candidate of item.candidates || []) {
      const li = element("li");
      const title = element("p", "");
      title.appendChild(safeLink(candidate.url, candidate.title || candidate.document_id));
      title.appendChild(element("span", "meta", ` · ${candidate.passage_id}`));
      li.appendChild(title);
      const text = element("p", "passage", candidate.text);
      text.dir = "auto";
      li.appendChild(text);
      const buttons = element("div", "buttons");
      buttons.appendChild(button(`Block passage ${candidate.passage_id}`, () =>
        act("block", { query: item.query, passage_id: candidate.passage_id, scope: "passage" }, "Passage blocked")));
      buttons.appendChild(button(`Block document ${candidate.document_id}`, () =>
        act("block", { query: item.query, passage_id: candidate.passage_id, scope: "document" }, "Document blocked")));
      li.appendChild(buttons);
      candidates.appendChild(li);
      const option = element("option", "", `${candidate.passage_id} — ${candidate.title || candidate.document_id}`);
      option.value = candidate.passage_id;
      select.appendChild(option);
    }

    const actions = $("item-actions");
    actions.replaceChildren();
    if (!item.actions || item.actions.length === 0) actions.appendChild(element("li", "meta", "None yet."));
    for (const action of item.actions || []) {
      const li = element("li", action.undone_by ? "undone" : "");
      let what = action.kind;
      if (action.kind === "correct" || action.kind === "confirm") what += `: “${action.answer}”`;
      if (action.kind === "block") what += ` ${action.scope} ${action.scope === "document" ? action.passage.document_id : action.passage.passage_id}`;
      if (action.kind === "undo") what += ` of ${action.undo_of}`;
      li.appendChild(element("span", "", `${new Date(Number(action.at_unix_ms)).toISOString()} ${what} `));
      if (action.kind !== "undo" && !action.undone_by) {
        li.appendChild(button(`Undo ${action.kind}`, () => act("undo", { action_id: action.id }, "Undone")));
      }
      actions.appendChild(li);
    }
    $("item").hidden = false;
  }

  async function openItem(query) {
    try {
      setStatus("Loading…");
      renderItem(await call("GET", "/api/review/item?q=" + encodeURIComponent(query)));
      setStatus(`Reviewing “${query}”.`);
      $("item-title").focus?.();
    } catch (e) {
      setStatus(e.message, true);
    }
  }

  async function act(action, body, done) {
    try {
      await call("POST", `/api/review/${action}`, body);
      renderItem(await call("GET", "/api/review/item?q=" + encodeURIComponent(currentItem.query)));
      await loadQueues();
      setStatus(`${done}.`);
    } catch (e) {
      setStatus(e.message, true);
    }
  }

  $("key-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    reviewerKey = $("key").value.trim();
    try {
      await loadQueues();
      setStatus("Queues loaded.");
    } catch (e) {
      $("queues").hidden = true;
      setStatus(e.message, true);
    }
  });

  $("lookup-form").addEventListener("submit", (event) => {
    event.preventDefault();
    openItem($("lookup").value);
  });

  $("span-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const passageId = $("span-passage").value;
    const candidate = (currentItem.candidates || []).find((c) => c.passage_id === passageId);
    const answer = $("span-text").value.trim();
    const start = candidate ? candidate.text.indexOf(answer) : -1;
    if (!candidate || answer.length === 0 || start < 0) {
      setStatus("That text does not appear in the chosen passage; copy it exactly.", true);
      return;
    }
    act("correct", { query: currentItem.query, span: { passage_id: passageId, start, end: start + answer.length } }, "Curated answer saved");
  });

  $("written-form").addEventListener("submit", (event) => {
    event.preventDefault();
    act("correct", {
      query: currentItem.query,
      written: { text: $("written-text").value, source_url: $("written-url").value, source_title: $("written-title").value },
    }, "Written answer saved");
  });
})();
