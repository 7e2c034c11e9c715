/*
 * Journal: small comforts on top of pages that work without JavaScript.
 *
 * - Local drafts: text typed into a form[data-draft-key] is kept in this browser
 *   (localStorage, key "journal:draft:<userId>:<draftKey>") until the server
 *   confirms the save with an element [data-saved-draft="<draftKey>"].
 *   A stored draft that differs from the form is offered back, never forced.
 * - Drafts are removed at sign-out (form.logout-form) and on any page with
 *   [data-clear-drafts].
 * - Ctrl+Enter / Cmd+Enter submits a form[data-draft-key] or form[data-submit-shortcut].
 * - form[data-confirm] (or a submit button with data-confirm) asks before submitting.
 * - A warning before leaving a draft form with changes that were not submitted.
 * - Small things: the account menu closes on Escape or an outside click; an error
 *   summary takes focus, and its links move focus to their field; a <details> named
 *   by the address's #fragment opens.
 * - input[data-detect-timezone] (registration) is filled with the browser's time zone.
 * - An import's progress page ([data-job-status]) polls its JSON status every second
 *   and moves the bar; it reloads once the job has finished (without JavaScript the
 *   page refreshes itself every few seconds instead).
 *
 * localStorage may be missing or full (private windows, quotas); every use is
 * wrapped so the page keeps working without it.
 */
(() => {
  "use strict";

  const PREFIX = "journal:draft:";
  const FIELDS = ["title", "body", "tags"];
  const SAVE_DELAY_MS = 500;

  const userId = document.body ? document.body.dataset.userId || "" : "";

  // -- Storage that never throws ------------------------------------------------

  const store = {
    get(key) {
      try {
        const raw = window.localStorage.getItem(key);
        return raw ? JSON.parse(raw) : null;
      } catch (error) {
        return null;
      }
    },
    set(key, value) {
      try {
        window.localStorage.setItem(key, JSON.stringify(value));
        return true;
      } catch (error) {
        return false;
      }
    },
    remove(key) {
      try {
        window.localStorage.removeItem(key);
      } catch (error) {
        /* nothing to do */
      }
    },
    removePrefix(prefix) {
      try {
        const doomed = [];
        for (let i = 0; i < window.localStorage.length; i += 1) {
          const key = window.localStorage.key(i);
          if (key && key.startsWith(prefix)) doomed.push(key);
        }
        doomed.forEach((key) => window.localStorage.removeItem(key));
      } catch (error) {
        /* nothing to do */
      }
    },
  };

  const draftStorageKey = (draftKey) => `${PREFIX}${userId}:${draftKey}`;

  // -- Clearing drafts the server has confirmed, and at sign-out -----------------

  function clearConfirmedDrafts() {
    if (document.querySelector("[data-clear-drafts]")) {
      store.removePrefix(PREFIX);
    }
    if (!userId) return;
    document.querySelectorAll("[data-saved-draft]").forEach((element) => {
      const draftKey = element.getAttribute("data-saved-draft");
      if (draftKey) store.remove(draftStorageKey(draftKey));
    });
  }

  // -- Draft forms ---------------------------------------------------------------

  /** Everything about one form[data-draft-key]. */
  class DraftForm {
    constructor(form) {
      this.form = form;
      this.key = draftStorageKey(form.dataset.draftKey);
      this.timer = null;
      this.submitting = false;
      this.initial = this.values();
      this.notice = null;
      // A form the server sent back with errors (or recovered after signing in again)
      // holds text that is not saved yet, even before anyone types.
      const hasText = Object.values(this.initial).some((value) => value.trim() !== "");
      this.unsavedOnLoad =
        hasText &&
        (form.hasAttribute("data-unsaved") ||
          Boolean(document.querySelector(".form-errors, .has-error, .recovered-notice")));
    }

    field(name) {
      const field = this.form.elements.namedItem(name);
      // A RadioNodeList (several fields of one name) is not something we fill.
      return field && "value" in field && !(field instanceof RadioNodeList) ? field : null;
    }

    /** The draft fields this form has (a quick-entry box may have no title). */
    values() {
      const values = {};
      FIELDS.forEach((name) => {
        const field = this.field(name);
        if (field) values[name] = normalise(field.value);
      });
      return values;
    }

    version() {
      const field = this.field("version");
      return field ? field.value : "";
    }

    isDirty() {
      return this.unsavedOnLoad || differs(this.values(), this.initial);
    }

    start() {
      const stored = store.get(this.key);
      const current = this.values();
      if (isUsableDraft(stored, current) && differs(current, stored)) {
        this.offer(stored);
      }

      this.form.addEventListener("input", (event) => {
        if (event.target && FIELDS.includes(event.target.name)) this.scheduleSave();
      });
      // Save at once (not on a timer) before the page can go away.
      this.form.addEventListener("submit", (event) => {
        if (event.defaultPrevented) return;
        this.flush();
        this.submitting = true;
      });
      window.addEventListener("pagehide", () => this.flush());
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "hidden") this.flush();
      });
      // Back/forward cache: the page is live again, so is the warning.
      window.addEventListener("pageshow", (event) => {
        if (event.persisted) this.submitting = false;
      });
    }

    scheduleSave() {
      window.clearTimeout(this.timer);
      this.timer = window.setTimeout(() => this.save(), SAVE_DELAY_MS);
    }

    flush() {
      if (this.timer === null) return;
      this.save();
    }

    save() {
      window.clearTimeout(this.timer);
      this.timer = null;
      // Fields this form lacks keep what another page stored for them.
      const stored = store.get(this.key);
      const previous = stored && typeof stored === "object" ? stored : {};
      store.set(this.key, {
        ...previous,
        ...this.values(),
        savedAt: new Date().toISOString(),
        version: this.field("version") ? this.version() : previous.version || "",
      });
    }

    offer(stored) {
      const notice = document.createElement("div");
      notice.className = "draft-notice";
      notice.setAttribute("role", "status");

      const text = document.createElement("p");
      text.append("You have unsaved text from ");
      text.append(timeElement(stored.savedAt));
      text.append(" in this browser.");
      const olderVersion =
        stored.version && this.version() && String(stored.version) !== this.version();
      if (olderVersion) {
        text.append(
          " It was written against an earlier version of this entry; if you restore it, " +
            "saving will show both versions so you can choose.",
        );
      }

      const actions = document.createElement("div");
      actions.className = "draft-notice-actions";
      const restore = button("Restore it", "button button-primary");
      const discard = button("Discard", "button button-secondary");
      actions.append(restore, discard);
      notice.append(text, actions);

      restore.addEventListener("click", () => {
        this.restore(stored, olderVersion);
        this.dismiss();
        const body = this.field("body");
        if (body) body.focus();
      });
      discard.addEventListener("click", () => {
        store.remove(this.key);
        this.dismiss();
        const first = this.field("body") || this.field("title");
        if (first) first.focus();
      });

      this.form.parentNode.insertBefore(notice, this.form);
      this.notice = notice;
    }

    restore(stored, olderVersion) {
      FIELDS.forEach((name) => {
        const field = this.field(name);
        if (field && typeof stored[name] === "string") field.value = stored[name];
      });
      // Saving text written against an older version must not silently overwrite
      // the newer one: send the old version so the server shows the conflict page.
      if (olderVersion) {
        const version = this.field("version");
        if (version) version.value = String(stored.version);
      }
      // The draft stays stored until the server confirms a save.
    }

    dismiss() {
      if (this.notice) this.notice.remove();
      this.notice = null;
    }
  }

  /** Textareas report line breaks as "\n"; stored text may carry "\r\n". */
  function normalise(value) {
    return String(value == null ? "" : value).replace(/\r\n?/g, "\n");
  }

  /** A stored draft with some text in a field this form has. */
  function isUsableDraft(stored, current) {
    if (!stored || typeof stored !== "object") return false;
    return Object.keys(current).some(
      (name) => typeof stored[name] === "string" && stored[name].trim() !== "",
    );
  }

  /** Whether ``other`` holds different text in any field ``values`` has. */
  function differs(values, other) {
    return Object.keys(values).some((name) => values[name] !== normalise(other[name]));
  }

  function timeElement(iso) {
    const time = document.createElement("time");
    const moment = iso ? new Date(iso) : null;
    if (!moment || Number.isNaN(moment.getTime())) {
      time.textContent = "earlier";
      return time;
    }
    time.dateTime = moment.toISOString();
    time.textContent = formatDateTime(moment, userTimeZone());
    return time;
  }

  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
    "Dec"];

  /** The zone the server shows this person's times in (body[data-timezone]). */
  function userTimeZone() {
    return document.body ? document.body.dataset.timezone || undefined : undefined;
  }

  /**
   * "26 Nov 2026, 23:05", as the server writes times (journal/templating.py
   * local_datetime): 24-hour, English month, whatever the browser's locale. In
   * ``timeZone`` when the browser knows it, else in the browser's own zone.
   */
  function formatDateTime(moment, timeZone) {
    const options = { year: "numeric", month: "numeric", day: "numeric", hour: "2-digit",
      minute: "2-digit", hourCycle: "h23" };
    let parts;
    try {
      parts = new Intl.DateTimeFormat("en-GB", { ...options, timeZone }).formatToParts(moment);
    } catch (error) {
      parts = new Intl.DateTimeFormat("en-GB", options).formatToParts(moment);
    }
    const part = (type) => (parts.find((item) => item.type === type) || { value: "" }).value;
    const month = MONTHS[Number(part("month")) - 1];
    return `${Number(part("day"))} ${month} ${part("year")}, ${part("hour")}:${part("minute")}`;
  }

  function button(label, className) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = label;
    return element;
  }

  // -- Submitting: shortcut and confirmations -------------------------------------

  function defaultSubmitter(form) {
    return Array.from(form.elements).find(
      (element) =>
        (element instanceof HTMLButtonElement && element.type === "submit") ||
        (element instanceof HTMLInputElement && ["submit", "image"].includes(element.type)),
    );
  }

  function submitForm(form) {
    const submitter = defaultSubmitter(form);
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(submitter && !submitter.disabled ? submitter : undefined);
    } else if (submitter) {
      submitter.click();
    }
  }

  function onShortcut(event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.isComposing) return;
    const target = event.target;
    const form = target && target.closest ? target.closest("form") : null;
    if (!form || !form.matches("[data-draft-key], [data-submit-shortcut]")) return;
    event.preventDefault();
    submitForm(form);
  }

  // Capturing, so a declined confirmation stops the submit before other handlers run.
  function onConfirm(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const submitter = event.submitter;
    const message =
      (submitter && submitter.dataset && submitter.dataset.confirm) || form.dataset.confirm;
    if (!message) return;
    if (!window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }

  // -- Sign-out ------------------------------------------------------------------------

  function onLogout(event, draftForms) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches(".logout-form")) return;
    if (event.defaultPrevented) return;
    const unsaved = draftForms.some((draft) => draft.isDirty() && !draft.submitting);
    if (unsaved) {
      const leave = window.confirm(
        "This page has text that is not saved yet. Signing out removes it from this " +
          "browser. Sign out anyway?",
      );
      if (!leave) {
        event.preventDefault();
        return;
      }
      // The person has chosen; no second warning, and no draft written back.
      draftForms.forEach((draft) => {
        window.clearTimeout(draft.timer);
        draft.timer = null;
        draft.submitting = true;
      });
    }
    if (userId) store.removePrefix(`${PREFIX}${userId}:`);
  }

  // -- Small comforts ------------------------------------------------------------------

  function setUpAccountMenus() {
    const menus = Array.from(document.querySelectorAll("details.account-menu"));
    if (!menus.length) return;
    document.addEventListener("click", (event) => {
      menus.forEach((menu) => {
        if (menu.open && !menu.contains(event.target)) menu.open = false;
      });
    });
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      menus.forEach((menu) => {
        if (!menu.open) return;
        menu.open = false;
        const summary = menu.querySelector("summary");
        if (summary && menu.contains(document.activeElement)) summary.focus();
      });
    });
  }

  function setUpErrorSummaries() {
    const summary = document.querySelector(".form-errors");
    if (summary && !document.querySelector("[autofocus]")) {
      summary.focus({ preventScroll: false });
    }
    document.querySelectorAll(".form-errors a[href^='#']").forEach((link) => {
      link.addEventListener("click", (event) => {
        let target = null;
        try {
          target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
        } catch (error) {
          target = null;
        }
        if (!target) return;
        event.preventDefault();
        const label = target.id
          ? document.querySelector(`label[for="${CSS.escape(target.id)}"]`)
          : null;
        (label || target).scrollIntoView({ block: "start" });
        target.focus({ preventScroll: true });
      });
    });
  }

  /** The browser's IANA zone in input[data-detect-timezone]; the server checks it. */
  function fillTimezoneFields() {
    let zone = "";
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      zone = "";
    }
    if (!zone) return;
    document.querySelectorAll("input[data-detect-timezone]").forEach((input) => {
      input.value = zone;
    });
  }

  // -- Folded sections named by the address ----------------------------------------

  /** Opens the <details> that the address's #fragment names or holds (a link to
   *  /prompts/#theme-value opens that theme), on load and when the fragment changes.
   *  Without script the links carry ?theme=<key> and the server opens it. */
  function setUpFoldedTargets() {
    const openTarget = () => {
      const name = location.hash.slice(1);
      let target = null;
      try {
        target = name ? document.getElementById(decodeURIComponent(name)) : null;
      } catch (error) {
        target = null;
      }
      const details = target ? target.closest("details") : null;
      if (!details || details.open) return;
      details.open = true;
      target.scrollIntoView({ block: "start" });
    };
    openTarget();
    window.addEventListener("hashchange", openTarget);
  }

  // -- Start --------------------------------------------------------------------------

  /** Hints that only make sense with script ("or press Ctrl+Enter"), shown via .js. */
  function markScriptAvailable() {
    document.documentElement.classList.add("js");
    const platform =
      (navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || "";
    if (/mac|iphone|ipad/i.test(platform)) {
      document.querySelectorAll(".shortcut-hint").forEach((hint) => {
        hint.textContent = hint.textContent.replace(/Ctrl\+Enter/g, "\u2318+Enter");
      });
    }
  }

  function start() {
    markScriptAvailable();
    clearConfirmedDrafts();

    const draftForms = userId
      ? Array.from(document.querySelectorAll("form[data-draft-key]"))
          .filter((form) => form.dataset.draftKey)
          .map((form) => new DraftForm(form))
      : [];
    draftForms.forEach((draft) => draft.start());

    document.addEventListener("submit", onConfirm, true);
    document.addEventListener("submit", (event) => onLogout(event, draftForms));
    document.addEventListener("keydown", onShortcut);

    window.addEventListener("beforeunload", (event) => {
      const unsaved = draftForms.some((draft) => draft.isDirty() && !draft.submitting);
      if (!unsaved) return undefined;
      event.preventDefault();
      event.returnValue = "";
      return "";
    });

    setUpAccountMenus();
    setUpErrorSummaries();
    fillTimezoneFields();
    setUpFoldedTargets();
    followImportJob();
  }

  function followImportJob() {
    const box = document.querySelector("[data-job-status]");
    if (!box || !window.fetch) return;
    const bar = box.querySelector("progress");
    const text = box.querySelector("[data-job-text]");
    if (!bar) return;
    const number = (value) => value.toLocaleString("en");
    const poll = () => {
      fetch(box.dataset.jobStatus, { headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : null))
        .then((status) => {
          if (!status) return;
          if (status.finished || status.state !== box.dataset.jobState) {
            window.location.reload();
            return;
          }
          bar.max = status.total || 1;
          bar.value = status.done;
          bar.textContent = `${status.percent}%`;
          if (text && status.total) {
            text.textContent = `${number(status.done)} of ${number(status.total)} entries (${status.percent}%)`;
          }
          window.setTimeout(poll, 1000);
        })
        .catch(() => window.setTimeout(poll, 5000));
    };
    window.setTimeout(poll, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
