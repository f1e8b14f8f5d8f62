// The course map of a Qala site: the course (inline JSON, written by `qala web build`) and the
// learner's progress, read straight from the IndexedDB database that the kernels keep it in
// (Pyodide's IDBFS, see qala/web/notebook.py): no kernel is started here. The summary it reads
// is computed by the engine in the kernel; this page only shows it. Plain ES2017, no libraries.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("qala-data").textContent);
  var storage = data.storage;
  var LANGUAGE_KEY = "qala.language";
  var PATH_KEY = "qala.path";
  var WHOLE = "all";  // the path choice that shows every track
  var MARKS = { done: "check", in_progress: "half", available: "circle", locked: "lock" };
  var summary = data.initial;
  var storageWorks = true;
  var language = chooseLanguage();
  var path = choosePath();

  function remembered() {
    try { return window.localStorage.getItem(LANGUAGE_KEY); } catch (e) { return null; }
  }

  function chooseLanguage() {
    var wanted = [remembered(), summary && summary.language, data.default_language].concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i] || "").toLowerCase().split(/[-_]/)[0];
      if (code === "kz") code = "kk";
      if (data.languages.indexOf(code) >= 0) return code;
    }
    return data.languages[0];
  }

  function setLanguage(code) {
    language = code;
    try { window.localStorage.setItem(LANGUAGE_KEY, code); } catch (e) { /* not remembered, still shown */ }
    render();
  }

  // The learning path whose lessons are listed: the one chosen here before, else the first (the
  // school's: paths for the browser come first), else the whole course.
  function choosePath() {
    var saved = null;
    try { saved = window.localStorage.getItem(PATH_KEY); } catch (e) { /* not remembered */ }
    if (saved === WHOLE || (data.paths || []).some(function (p) { return p.id === saved; })) return saved;
    return data.paths && data.paths.length ? data.paths[0].id : WHOLE;
  }

  function setPath(id) {
    path = id;
    try { window.localStorage.setItem(PATH_KEY, id); } catch (e) { /* not remembered, still shown */ }
    render();
  }

  // What the map lists: the tracks, or the chosen path's lessons in its order under the track of
  // each run of them (a track may come back later in a path).
  function shownTracks() {
    var chosen = (data.paths || []).filter(function (p) { return p.id === path; })[0];
    if (!chosen) return data.tracks;
    var byId = {};
    data.tracks.forEach(function (track) { byId[track.id] = track; });
    var runs = [];
    chosen.lessons.forEach(function (id) {
      var trackId = data.lessons[id].track;
      var last = runs[runs.length - 1];
      if (last && last.id === trackId) { last.lessons.push(id); return; }
      var track = byId[trackId] || { id: trackId, title: {}, description: {} };
      runs.push({ id: trackId, title: track.title, description: track.description, lessons: [id] });
    });
    return runs;
  }

  function t(key, params) {
    var text = (data.ui[language] || data.ui[data.languages[0]])[key] || key;
    return text.replace(/\{(\w+)\}/g, function (all, name) { return params && name in params ? params[name] : all; });
  }

  function local(text) {  // a {en, ru, kk} text in the chosen language, English where missing
    return (text && (text[language] || text.en || text[Object.keys(text)[0]])) || "";
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      if (typeof child === "string") node.appendChild(document.createTextNode(child));
      else if (child) node.appendChild(child);
    });
    return node;
  }

  // An icon drawn in SVG (qala/web/icons.py), never an emoji: school computers often have no emoji
  // font. A badge's emoji from course.toml maps to its drawing; an unknown one gets the medal.
  function icon(key) {
    var name = data.icons[key] ? key : (data.emoji_icons[String(key).replace(/\uFE0F/g, "").trim()] || "medal");
    var holder = document.createElement("span");
    holder.className = "icon";
    holder.innerHTML = data.icons[name];  // written by qala web build, not by anyone on the page
    return holder;
  }

  // Phones and tablets have no Shift+Enter: there a cell runs with the ▶ button of the notebook.
  function touchOnly() {
    return !!(window.matchMedia && window.matchMedia("(hover: none) and (pointer: coarse)").matches);
  }

  // The same rule as qala.grader.progress.rewards.current_streak: days in a row with a pass, ending today
  // (or yesterday, if today has none yet), in the learner's own calendar.
  function currentStreak(days) {
    var set = {};
    (days || []).forEach(function (d) { set[d] = true; });
    function iso(date) {
      var m = date.getMonth() + 1, d = date.getDate();
      return date.getFullYear() + "-" + (m < 10 ? "0" : "") + m + "-" + (d < 10 ? "0" : "") + d;
    }
    var day = new Date();
    if (!set[iso(day)]) day.setDate(day.getDate() - 1);
    var count = 0;
    while (set[iso(day)]) { count += 1; day.setDate(day.getDate() - 1); }
    return count;
  }

  function level(number) {
    return data.levels.filter(function (l) { return l.number === number; })[0] || data.levels[0];
  }

  function lessonState(id) {
    var total = data.lessons[id].exercises;
    return (summary.lessons && summary.lessons[id]) || { status: "available", done: 0, total: total, passed: [] };
  }

  function renderLanguages() {
    var nav = document.getElementById("languages");
    nav.textContent = "";
    nav.setAttribute("aria-label", t("language"));
    data.languages.forEach(function (code) {
      var button = el("button", { type: "button", "data-language": code, "aria-pressed": String(code === language), text: data.language_names[code] });
      button.addEventListener("click", function () { setLanguage(code); });
      nav.appendChild(button);
    });
  }

  function renderStats() {
    var box = document.getElementById("stats");
    box.textContent = "";
    var current = level(summary.level);
    var levelBox = el("div", { class: "stat", "data-testid": "level" }, [
      el("div", { class: "big" }, [icon("star"), " " + t("level", { level: current.number, title: local(current.title) })]),
      el("div", { "data-testid": "xp", text: t("xp", { xp: summary.xp }) }),
    ]);
    if (summary.next_level_xp !== null && summary.next_level_xp !== undefined) {
      levelBox.appendChild(el("progress", { value: String(summary.xp - current.xp), max: String(Math.max(1, summary.next_level_xp - current.xp)),
        "aria-label": t("to_next", { xp: summary.next_level_xp - summary.xp }) }));
      levelBox.appendChild(el("div", { class: "muted", text: t("to_next", { xp: summary.next_level_xp - summary.xp }) }));
    }
    box.appendChild(levelBox);
    box.appendChild(el("div", { class: "stat", "data-testid": "passed" }, [
      el("div", { class: "big" }, [icon("check"), " " + summary.exercises_done + " / " + summary.exercises_total]),
      el("div", { class: "muted", text: t("passed", { done: summary.exercises_done, total: summary.exercises_total }) }),
    ]));
    box.appendChild(el("div", { class: "stat", "data-testid": "streak" }, [
      el("div", { class: "big" }, [icon("flame"), " " + currentStreak(summary.pass_days)]),
      el("div", { class: "muted", text: t("streak", { days: currentStreak(summary.pass_days) }) }),
    ]));
  }

  function renderNext() {
    var box = document.getElementById("next");
    box.textContent = "";
    var ids = [];
    shownTracks().forEach(function (track) { ids = ids.concat(track.lessons); });
    var next = ids.filter(function (id) { return lessonState(id).status === "in_progress"; })[0]
      || ids.filter(function (id) { return lessonState(id).status === "available" && !data.lessons[id].missing.length; })[0];
    if (next) {
      box.appendChild(el("a", { href: data.lessons[next].notebook[language], "data-lesson": next },
        [icon("play"), " " + t("continue_here", { lesson: local(data.lessons[next].title) })]));
    }
  }

  function renderBadges() {
    var box = document.getElementById("badges");
    box.textContent = "";
    var earned = summary.badges || {};
    box.appendChild(el("h2", { text: t("badges") }));
    var got = data.badges.filter(function (b) { return earned[b.id]; });
    var line = el("div", { "data-testid": "earned-badges" });
    if (!got.length) line.appendChild(el("span", { class: "muted", text: t("no_badges") }));
    got.forEach(function (b) {
      line.appendChild(el("span", { class: "badge", "data-badge": b.id, title: local(b.description) + " · " + String(earned[b.id]).slice(0, 10) },
        [icon(b.icon), " " + local(b.title)]));
    });
    box.appendChild(line);
    var waiting = data.badges.filter(function (b) { return !earned[b.id]; });
    if (waiting.length) {
      var more = el("details", {}, [el("summary", { text: t("badges_to_earn") })]);
      waiting.forEach(function (b) {
        more.appendChild(el("span", { class: "badge locked", "data-badge": b.id, title: local(b.description) }, [icon(b.icon), " " + local(b.title)]));
      });
      box.appendChild(more);
    }
  }

  function renderPaths() {
    var nav = document.getElementById("paths");
    nav.textContent = "";
    if (!data.paths || !data.paths.length) { nav.hidden = true; return; }
    nav.setAttribute("aria-label", t("choose_path"));
    nav.appendChild(el("h2", { text: t("choose_path") }));
    var choices = data.paths.map(function (p) {
      return { id: p.id, title: local(p.title), about: local(p.description), count: t("path_lessons", { n: p.lessons.length }) };
    });
    choices.push({ id: WHOLE, title: t("whole_course"), about: t("whole_course_about"), count: "" });
    choices.forEach(function (choice) {
      var button = el("button", { type: "button", class: "path", "data-path": choice.id, "aria-pressed": String(choice.id === path) }, [
        el("span", { class: "title", text: choice.title }),
        el("span", { class: "muted", text: choice.about }),
        choice.count ? el("span", { class: "muted", text: choice.count }) : null,
      ]);
      button.addEventListener("click", function () { setPath(choice.id); });
      nav.appendChild(button);
    });
  }

  function renderTracks() {
    var box = document.getElementById("tracks");
    box.textContent = "";
    box.setAttribute("data-path", path);
    shownTracks().forEach(function (track) {
      var card = el("section", { class: "track", "data-track": track.id }, [
        el("h2", { text: local(track.title) }),
        el("p", { class: "muted", text: local(track.description) }),
      ]);
      if (!track.lessons.length) card.appendChild(el("p", { class: "muted", text: t("coming_soon") }));
      track.lessons.forEach(function (id) {
        var lesson = data.lessons[id];
        var state = lessonState(id);
        var notes = [];
        if (state.status === "locked" && lesson.requires.length) {
          notes.push(t("requires", { lessons: lesson.requires.map(function (r) { return data.lessons[r] ? local(data.lessons[r].title) : r; }).join(", ") }));
        }
        if (lesson.missing.length) notes.push(t("needs", { modules: lesson.missing.join(", ") }));
        var label = state.status === "done" ? t("review") : state.status === "in_progress" ? t("continue") : t("open");
        card.appendChild(el("div", { class: "lesson " + state.status, "data-lesson": id, "data-status": state.status }, [
          el("span", { class: "mark", title: t("status_" + state.status), role: "img", "aria-label": t("status_" + state.status) }, [icon(MARKS[state.status])]),
          el("div", { class: "body" }, [
            el("div", { class: "title", text: local(lesson.title) }),
            el("div", { class: "muted", text: local(lesson.summary) }),
            el("div", { class: "muted", "data-testid": "lesson-progress",
              text: t("passed", { done: state.done, total: state.total }) + " · " + t("minutes", { minutes: lesson.minutes }) }),
            notes.length ? el("div", { class: "note", text: notes.join(" · ") }) : null,
          ]),
          el("a", { class: "open", href: lesson.notebook[language], text: label }),
        ]));
      });
      box.appendChild(card);
    });
  }

  function render() {
    document.documentElement.lang = language;
    var title = local(data.course.title);
    document.title = title;
    document.getElementById("course-title").textContent = title;
    renderLanguages();
    renderStats();
    renderNext();
    renderBadges();
    renderPaths();
    renderTracks();
    var allFiles = document.getElementById("all-files");
    allFiles.textContent = "";
    allFiles.appendChild(icon("folder"));
    allFiles.appendChild(document.createTextNode(" " + t("all_files")));
    var howTo = document.getElementById("how-to-run");
    howTo.textContent = touchOnly() ? t("run_by_touch") : t("run_by_keys");
    howTo.setAttribute("data-input", touchOnly() ? "touch" : "keys");
    var handIn = document.getElementById("hand-in");
    handIn.textContent = storageWorks ? t("hand_in") : t("no_storage");
    handIn.className = storageWorks ? "hand-in" : "warning";
  }

  // The kernels' database, read-only. Opened without a version so that this page never creates
  // it (or, with an old version number, breaks it): a missing database is aborted, not made.
  function readSummary() {
    return new Promise(function (resolve) {
      var request;
      try { request = window.indexedDB.open(storage.database); } catch (e) { storageWorks = false; resolve(null); return; }
      request.onupgradeneeded = function (event) { event.target.transaction.abort(); };
      request.onerror = function (event) {
        if (event.target.error && event.target.error.name !== "AbortError") storageWorks = false;
        event.preventDefault();
        resolve(null);
      };
      request.onsuccess = function () {
        var db = request.result;
        try {
          var get = db.transaction([storage.store], "readonly").objectStore(storage.store).get(storage.key);
          get.onsuccess = function () {
            db.close();
            var entry = get.result;
            if (!entry || !entry.contents) { resolve(null); return; }
            try {
              var file = JSON.parse(new TextDecoder("utf-8").decode(entry.contents));
              resolve(file.courses && file.courses[data.course.id] || null);
            } catch (e) { resolve(null); }
          };
          get.onerror = function (event) { event.preventDefault(); db.close(); resolve(null); };
        } catch (e) { db.close(); resolve(null); }
      };
    });
  }

  function refresh() {
    return readSummary().then(function (found) {
      summary = found || data.initial;
      if (!remembered() && found && found.language && data.languages.indexOf(found.language) >= 0) language = found.language;
      render();
      document.body.setAttribute("data-progress", found ? "saved" : "none");
    });
  }

  // While the pupil looks at the map, the browser fetches what a lesson's kernel loads first
  // (Pyodide, its packages, the course's wheel): the lesson then opens on a warm cache. Not when
  // the pupil's browser asks to save data (a metered phone connection).
  function prefetch() {
    if (navigator.connection && navigator.connection.saveData) return;
    (data.prefetch || []).forEach(function (href) {
      document.head.appendChild(el("link", { rel: "prefetch", href: href }));
    });
  }

  render();
  refresh();
  window.addEventListener("load", prefetch);
  if (window.BroadcastChannel) new BroadcastChannel(storage.channel).addEventListener("message", refresh);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
  window.addEventListener("pageshow", function (event) { if (event.persisted) refresh(); });
})();
