// The drafting page: rich-text editors that autosave, drag-and-drop ordering,
// and htmx settings. Every control also works as a plain form without this file.
(function () {
  "use strict";

  const page = document.querySelector("article.drafting");
  if (!page) return;
  const csrf = page.dataset.csrf;
  const AUTOSAVE_DELAY = 1200; // ms after the last keystroke

  // htmx: swap refused saves (409 conflict, 422 invalid) so their messages show.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "409", swap: true, error: false },
    { code: "422", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
    { code: "...", swap: false },
  ];
  htmx.config.defaultFocusScroll = true;
  document.body.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrf;
  });
  document.body.addEventListener("htmx:responseError", function (event) {
    announce("The change could not be saved (" + event.detail.xhr.status + "). Reload the page and try again.");
  });
  document.body.addEventListener("htmx:sendError", function () {
    announce("The server could not be reached: nothing was saved. Check the connection and try again.");
  });

  function announce(text) {
    let region = document.getElementById("drafting-announcer");
    if (!region) {
      region = document.createElement("div");
      region.id = "drafting-announcer";
      region.className = "alert alert-danger position-fixed bottom-0 end-0 m-3";
      region.setAttribute("role", "alert");
      document.body.appendChild(region);
    }
    region.textContent = text;
  }

  // ---- Rich-text editors --------------------------------------------------

  const editors = new Map(); // form element -> editor state

  const TOOLS = [
    { name: "Bold", key: "B", run: (e, on) => (on ? e.removeBold() : e.bold()), test: (e) => e.hasFormat("B") },
    { name: "Italic", key: "I", run: (e, on) => (on ? e.removeItalic() : e.italic()), test: (e) => e.hasFormat("I") },
    {
      name: "Bulleted list",
      label: "• List",
      run: (e, on) => (on ? e.removeList() : e.makeUnorderedList()),
      test: (e) => e.hasFormat("UL"),
    },
    {
      name: "Numbered list",
      label: "1. List",
      run: (e, on) => (on ? e.removeList() : e.makeOrderedList()),
      test: (e) => e.hasFormat("OL"),
    },
    {
      name: "Link",
      label: "Link",
      run: function (e, on) {
        if (on) return e.removeLink();
        const url = window.prompt("Address of the link (https://…)", "https://");
        if (url && /^(https?:\/\/|mailto:)/i.test(url.trim())) e.makeLink(url.trim());
        else if (url) announce("Links must start with https://, http:// or mailto:.");
      },
      test: (e) => e.hasFormat("A"),
    },
  ];

  function setStatus(state, text, retry) {
    state.status.textContent = text;
    state.status.className = "autosave-status small " + (retry ? "text-danger" : "text-body-secondary");
    state.retry.hidden = !retry;
  }

  function initEditor(form) {
    if (editors.has(form)) return;
    const textarea = form.querySelector("textarea");
    const tokenInput = form.querySelector("input[name$='-token']");
    const label = form.querySelector("label");
    const status = form.querySelector(".autosave-status");
    const submit = form.querySelector("button.save-text");

    const toolbar = document.createElement("div");
    toolbar.className = "editor-toolbar btn-toolbar gap-1 mb-1";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatting: " + label.textContent);
    const area = document.createElement("div");
    area.className = "editor-area form-control";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    area.setAttribute("aria-labelledby", label.id);
    label.removeAttribute("for");
    textarea.hidden = true;
    textarea.parentNode.insertBefore(toolbar, textarea);
    textarea.parentNode.insertBefore(area, textarea);

    const editor = new Squire(area, { blockTag: "P" });
    editor.setHTML(textarea.value);

    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "btn btn-sm btn-link p-0 retry-save";
    retry.textContent = "Retry";
    retry.hidden = true;
    status.after(retry);

    const state = {
      form, editor, textarea, tokenInput, status, retry,
      saved: editor.getHTML(), // what the server has, as the editor writes it
      dirty: false, timer: null, inflight: null, paused: false,
    };
    editors.set(form, state);
    submit.hidden = true; // autosave replaces the button; Ctrl+S also saves

    TOOLS.forEach(function (tool) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-sm btn-outline-secondary";
      button.textContent = tool.label || tool.name;
      if (tool.key) button.innerHTML = "<span aria-hidden='true'>" + tool.key + "</span>";
      if (tool.key === "B") button.classList.add("fw-bold");
      if (tool.key === "I") button.classList.add("fst-italic");
      button.setAttribute("aria-label", tool.name);
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () {
        tool.run(editor, tool.test(editor));
        editor.focus();
        refreshTools();
      });
      tool.button = button;
      toolbar.appendChild(button);
    });
    const buttons = TOOLS.map((tool) => [tool, tool.button]);
    function refreshTools() {
      buttons.forEach(([tool, button]) => button.setAttribute("aria-pressed", String(tool.test(editor))));
    }
    editor.addEventListener("pathChange", refreshTools);
    editor.addEventListener("input", function () {
      if (!state.dirty && !state.inflight && editor.getHTML() === state.saved) return;
      state.dirty = true;
      if (state.paused) return;
      setStatus(state, "Not saved yet", false);
      clearTimeout(state.timer);
      state.timer = setTimeout(() => save(state), AUTOSAVE_DELAY);
    });
    editor.setKeyHandler("Ctrl-S", function (self, event) {
      event.preventDefault();
      state.paused = false;
      save(state);
    });
    retry.addEventListener("click", function () {
      state.paused = false;
      save(state);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      state.paused = false;
      save(state);
    });
  }

  function save(state) {
    clearTimeout(state.timer);
    if (state.inflight) {
      // One save at a time; the next starts from the token this one returns.
      return state.inflight.then(() => (state.dirty ? save(state) : undefined));
    }
    const html = state.editor.getHTML();
    state.textarea.value = html;
    const body = new FormData(state.form);
    state.dirty = false;
    setStatus(state, "Saving…", false);
    state.inflight = fetch(state.form.action, {
      method: "POST",
      body: body,
      headers: { "HX-Request": "true", "X-CSRFToken": csrf },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (response.ok) {
          return response.json().then(function (data) {
            state.tokenInput.value = data.token;
            state.saved = html;
            state.form.querySelector(".conflict-slot").innerHTML = "";
            setStatus(state, state.dirty ? "Not saved yet" : "Saved", false);
          });
        }
        return response.text().then(function (text) {
          state.dirty = true;
          const slot = state.form.querySelector(".conflict-slot");
          if (response.status === 409 || response.status === 422) {
            slot.innerHTML = text;
            const token = slot.querySelector(".conflict-token");
            if (token && response.status === 409) state.tokenInput.value = token.dataset.token;
            state.paused = true; // never overwrite the other version without being asked
            setStatus(state, "Not saved — retry", true);
            state.retry.textContent = response.status === 409 ? "Save mine anyway" : "Retry";
            const alert = slot.querySelector("[role=alert]");
            if (alert) alert.focus();
          } else {
            setStatus(state, "Not saved — retry", true);
            state.retry.textContent = "Retry";
          }
          throw new Error("not saved");
        });
      })
      .catch(function (error) {
        state.dirty = true;
        if (error.message !== "not saved") {
          setStatus(state, "Not saved — retry", true);
          state.retry.textContent = "Retry";
        }
        throw error;
      })
      .finally(function () {
        state.inflight = null;
      });
    return state.inflight;
  }

  function flushAll() {
    const pending = [];
    editors.forEach(function (state) {
      if (!document.body.contains(state.form)) return editors.delete(state.form);
      if (state.dirty || state.inflight) pending.push(state.inflight || save(state));
    });
    return Promise.all(pending);
  }

  // Changes that redraw the agenda wait until typed text is saved.
  document.body.addEventListener("htmx:confirm", function (event) {
    if (!event.target.closest("[data-flush-autosave]")) return;
    let dirty = false;
    editors.forEach((state) => (dirty = dirty || state.dirty || !!state.inflight));
    if (!dirty) return;
    event.preventDefault();
    flushAll().then(
      () => event.detail.issueRequest(true),
      () => announce("Some minutes text is not saved yet: save it (or copy it) before changing the agenda.")
    );
  });

  window.addEventListener("beforeunload", function (event) {
    let dirty = false;
    editors.forEach((state) => (dirty = dirty || state.dirty));
    if (dirty) {
      flushAll();
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // ---- Keeping focus where the keyboard user was ------------------------------

  let focusAfterSwap = null;
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    const active = document.activeElement;
    const item = active && active.closest("[data-item-id]");
    if (item && active.matches("button[name=direction]")) {
      focusAfterSwap = { item: item.dataset.itemId, value: active.value };
    } else {
      focusAfterSwap = null;
    }
  });
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (focusAfterSwap) {
      // htmx itself keeps focus on an element with the same id; this covers the rest.
      const section = document.getElementById("item-" + focusAfterSwap.item);
      const button = section && section.querySelector("button[name=direction][value=" + focusAfterSwap.value + "]");
      const fallback = section && section.querySelector("button[name=direction]");
      (button || fallback || section || document.getElementById("agenda")).focus();
      focusAfterSwap = null;
      return;
    }
    // Announce a refusal that this swap brought in (not one left elsewhere on the page).
    const selector = ".form-error-summary, .conflict";
    const root = event.target;
    const alert = root.matches && root.matches(selector) ? root : root.querySelector && root.querySelector(selector);
    if (alert && alert.offsetParent !== null) alert.focus();
  });

  // ---- Drag and drop (the move buttons do the same by keyboard) --------------

  function layoutOf(agenda) {
    const order = [];
    agenda.querySelectorAll(".agenda-items > .draft-item").forEach(function (top) {
      order.push(top.dataset.itemId + ":");
      top.querySelectorAll(":scope > .sub-items > .draft-item").forEach(function (sub) {
        order.push(sub.dataset.itemId + ":" + top.dataset.itemId);
      });
    });
    return order.join(",");
  }

  function initSortable(root) {
    const agenda = document.getElementById("agenda");
    if (!agenda || typeof Sortable === "undefined") return;
    root.querySelectorAll(".agenda-items, .sub-items").forEach(function (list) {
      if (list.dataset.sortableReady) return;
      list.dataset.sortableReady = "1";
      Sortable.create(list, {
        group: "agenda",
        handle: ".drag-handle",
        draggable: ".draft-item",
        animation: 150,
        forceFallback: true, // mouse events rather than HTML5 drag and drop: steadier, also on touch
        fallbackOnBody: true,
        swapThreshold: 0.5,
        onEnd: function () {
          flushAll().then(function () {
            htmx.ajax("POST", agenda.dataset.reorderUrl, {
              target: "#agenda",
              swap: "outerHTML",
              values: { order: layoutOf(document.getElementById("agenda")) },
            });
          });
        },
      });
    });
  }

  // ---- Cancel links inside forms loaded in place -----------------------------

  document.body.addEventListener("click", function (event) {
    const cancel = event.target.closest("a.cancel-part");
    if (!cancel || !cancel.closest(".item-slot")) return;
    event.preventDefault();
    const slot = cancel.closest(".item-slot");
    const section = slot.closest("[data-item-id]");
    slot.innerHTML = "";
    const heading = section && section.querySelector("h2, h3");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  });

  htmx.onLoad(function (root) {
    root.querySelectorAll("form[data-autosave]").forEach(initEditor);
    initSortable(root);
  });
})();
