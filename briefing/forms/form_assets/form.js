/* The weekly report's fill-in form (see briefing/forms/form.py).
 *
 * Everything the page says and every field it shows comes from the JSON blob "form-data":
 * fields (path, label, kind, choices), the Chinese messages of `briefing validate` as
 * templates, the cross-field rules and the page's own words.  This script lays the fields
 * out, checks entries (single values with rules.js, the ports of briefing/report/fields.py's parsers;
 * relations between fields with DATA.rules), saves the report as a download and reopens a
 * saved file (yaml.js).  Plain ES2015; no library, no network.
 */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("form-data").textContent);
  var UI = DATA.ui, MSG = DATA.messages, RULES = DATA.rules;
  var parse = BriefingRules(MSG, DATA.limits), files = BriefingYaml(UI);
  var fmt = parse.fmt, nfkc = parse.nfkc, bad = parse.bad, monday = parse.monday;
  var emit = files.emit, Unreadable = files.Unreadable;
  var root = document.getElementById("form");
  var touched = {}, showAll = false, dirty = false, summaryShown = false;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  // ------------------------------------------------------------------ layout

  function control(doc, path) {
    var id = "f-" + path, attrs = { id: id, name: path, "data-field": doc.name };
    if (doc.kind === "choice") {
      var select = el("select", attrs, [el("option", { value: "", text: UI.choose })]);
      doc.choices.forEach(function (c) { select.appendChild(el("option", { value: c, text: c })); });
      if (doc.name === RULES.unit && DATA.unit) select.value = DATA.unit;
      return select;
    }
    if (doc.kind === "texts") return el("textarea", Object.assign(attrs, { rows: 2 }));
    if (doc.kind === "flag") return el("input", Object.assign(attrs, { type: "checkbox" }));
    attrs.type = "text";
    attrs.autocomplete = "off";
    if (doc.kind === "money" || doc.kind === "count") attrs.inputmode = doc.kind === "money" ? "decimal" : "numeric";
    if (doc.kind === "date") attrs.placeholder = doc.example;
    var input = el("input", attrs);
    if (doc.kind === "week") input.value = DATA.week;
    return input;
  }

  function fieldBox(doc, path) {
    var box = el("div", { "class": "field" + (doc.wide ? " wide" : ""), "data-path": path, "data-kind": doc.kind });
    var input = control(doc, path), required = doc.required || doc.min_items > 0;
    var mark = required ? el("span", { "class": "req", text: UI.required }) : null;
    if (doc.kind === "flag") {
      box.appendChild(el("label", { "class": "check", "for": input.id }, [input, document.createTextNode(doc.label)]));
    } else {
      box.appendChild(el("label", { "for": input.id }, [document.createTextNode(doc.label), mark]));
      if (doc.kind === "money") {
        var unit = el("select", {}, [MSG.unit_yi, MSG.unit_wan].map(function (u) { return el("option", { value: u, text: u }); }));
        input = el("div", { "class": "row" }, [input, el("label", { "class": "unit" }, [document.createTextNode(UI.money_unit + " "), unit])]);
      } else if (doc.kind === "date") {
        var picker = el("input", { type: "date", tabindex: "-1" });
        input = el("div", { "class": "row" }, [input, el("label", { "class": "pick" }, [document.createTextNode(UI.pick_date), picker])]);
      }
      box.appendChild(input);
      var own = { choice: "", money: UI.money_hint }[doc.kind];
      own = own === undefined ? doc.hint : own;
      var hint = [own, doc.kind === "texts" && own.indexOf("行") < 0 ? UI.lines : ""].filter(Boolean).join("，");
      if (doc.example && doc.kind !== "choice") hint += (hint ? "。" : "") + fmt(UI.example, doc);
      if (hint) box.appendChild(el("div", { "class": "hint", text: hint }));
    }
    box.appendChild(el("div", { "class": "msg", role: "status" }));
    return box;
  }

  function addItem(section, list) {
    var index = list.children.length, item = el("div", { "class": "item", "data-section": section.name });
    var head = el("div", { "class": "item-head" }, [el("h3"), el("button", { type: "button", "class": "remove", "data-action": "remove", text: UI.remove })]);
    var grid = el("div", { "class": "grid" });
    section.fields.forEach(function (doc) { grid.appendChild(fieldBox(doc, section.name + "." + index + "." + doc.name)); });
    item.appendChild(head);
    item.appendChild(grid);
    list.appendChild(item);
    renumber(section, list);
    return item;
  }

  function renumber(section, list) {
    Array.prototype.forEach.call(list.children, function (item, index) {
      item.querySelector("h3").textContent = fmt(UI.item_title, { item: section.item_label, number: index + 1 });
      item.querySelectorAll(".field").forEach(function (box) {
        var input = box.querySelector("[data-field]"), path = section.name + "." + index + "." + input.getAttribute("data-field");
        box.setAttribute("data-path", path);
        input.name = path;
        input.id = "f-" + path;
        box.querySelector("label").setAttribute("for", input.id);
      });
    });
  }

  function build() {
    var head = el("header", {}, [
      el("h1", { text: DATA.bureau + " · " + UI.heading }),
      el("p", { "class": "intro", text: UI.intro }),
      el("p", { "class": "offline", text: UI.offline }),
      el("label", { "class": "open" }, [document.createTextNode(UI.open + "："), el("input", { type: "file", accept: ".yaml,.yml,.txt", "data-action": "open" })]),
      el("div", { "class": "summary done", id: "opened", hidden: "" })]);
    root.appendChild(head);
    var grid = null;
    DATA.fields.forEach(function (doc) {
      if (doc.kind === "items") {
        grid = null;
        var list = el("div", { "class": "items", "data-items": doc.name });
        root.appendChild(el("section", { "class": "card" }, [el("h2", { text: doc.label }),
          el("p", { "class": "hint", text: doc.hint + "。" + UI.none_yet }), list,
          el("button", { type: "button", "class": "add", "data-add": doc.name, text: fmt(UI.add, { item: doc.item_label }) })]));
        return;
      }
      if (!grid) root.appendChild(el("section", { "class": "card" }, [grid = el("div", { "class": "grid" })]));
      grid.appendChild(fieldBox(doc, doc.name));
    });
    root.appendChild(el("div", { "class": "summary errors", id: "errors", hidden: "" }));
    root.appendChild(el("div", { "class": "summary warnings", id: "warnings", hidden: "" }));
    root.appendChild(el("section", { "class": "card" }, [el("button", { type: "button", "class": "save", "data-action": "save", text: UI.save })]));
    root.appendChild(el("div", { "class": "summary done", id: "saved", hidden: "", role: "status" }));
  }

  function docOf(name) {
    return DATA.fields.filter(function (doc) { return doc.name === name; })[0];
  }

  // ------------------------------------------------------------------ reading and checking the page

  var UNWRITABLE = new RegExp(DATA.limits.unwritable, "gu");
  var BRACKETS = new RegExp(DATA.limits.brackets, "gu"), SUFFIX = new RegExp(DATA.limits.suffix, "u");
  function projectKey(name) {  // fields.project_key: width, spaces, brackets, a trailing 项目/工程
    var key = name.normalize("NFKC").replace(/\s+/g, "").replace(BRACKETS, "");
    return key.replace(SUFFIX, "") || key;
  }  // invisible characters validate refuses ("u": pairs stay)

  function raw(box) {
    var input = box.querySelector("[data-field]"), kind = box.getAttribute("data-kind");
    if (kind === "flag") return input.checked;
    if (kind === "texts") return parse.lines(input.value.replace(UNWRITABLE, ""));
    var text = input.value.replace(UNWRITABLE, "").trim();
    if (kind === "money") {
      var unit = box.querySelector(".unit select").value;
      return unit === MSG.unit_wan && /^[0-9]+(\.[0-9]+)?$/.test(text) ? text + unit : text;
    }
    return text;
  }

  function blank(value) { return value === "" || value === false || (Array.isArray(value) && !value.length); }

  function checkField(doc, value) {
    switch (doc.kind) {
      case "money": return parse.checkMoney(value);
      case "count": return parse.checkCount(value);
      case "week": return parse.checkWeek(value);
      case "flag": return { value: value ? "true" : null };
      case "texts":
        return doc.min_items && value.length < doc.min_items ? bad("list.too_short", {}, value) : { value: value };
      case "date":
        if (value === "" && !doc.required) return { value: null };
        return parse.checkDate(value);
    }
    if (value === "" && doc.required && doc.literal) return bad("choice.empty", { choices: doc.choices.join("、") }, null);
    if (value === "") return doc.required ? bad("text.empty", {}, null) : { value: null };
    if (doc.kind === "choice" && doc.choices.indexOf(value) < 0) {
      return bad(doc.unknown, { value: value, choices: doc.choices.join("、") }, value);
    }
    return { value: value };
  }

  function topBox(name) { return root.querySelector('.field[data-path="' + name + '"]'); }
  function inItem(item) { return function (name) { return item.querySelector('[data-field="' + name + '"]').closest(".field"); }; }

  function check() {
    var found = { errors: [], warnings: [], out: [], week: null }, records = {};
    function note(list, box, doc, where, message) {
      list.push({ path: box.getAttribute("data-path"), box: box, label: doc.label, key: doc.name, where: where, message: message });
    }
    function record(docs, find, where) {
      var out = [], parsed = {};
      docs.forEach(function (doc) {
        var box = find(doc.name);
        var result = checkField(doc, raw(box));
        parsed[doc.name] = { doc: doc, box: box, result: result };
        if (result.error) note(found.errors, box, doc, where(doc), result.error);
        if (result.value !== null && !(Array.isArray(result.value) && !result.value.length)) out.push([doc.name, result.value]);
        else if (doc.required || doc.min_items) out.push([doc.name, null]);
      });
      return { out: out, parsed: parsed };
    }
    DATA.fields.forEach(function (doc) {
      if (doc.kind !== "items") {
        var top = record([doc], topBox, function (d) { return d.label; });
        found.out = found.out.concat(top.out);
        if (doc.kind === "week") {
          var week = found.week = top.parsed[doc.name].result, now = parse.thisWeek(new Date());
          if (week.year && week.value > now) note(found.errors, topBox(doc.name), doc, doc.label, fmt(MSG["week.future"], { week: week.value, now: now }));
        }
        return;
      }
      var list = root.querySelector('[data-items="' + doc.name + '"]'), items = [];
      Array.prototype.forEach.call(list.children, function (item, index) {
        var boxes = item.querySelectorAll(".field");
        if (Array.prototype.every.call(boxes, function (box) { return blank(raw(box)); })) return;
        var one = record(doc.fields, inItem(item), function (d) { return fmt(UI.where_item, { item: doc.item_label, number: index + 1, label: d.label }); });
        one.index = index;
        items.push(one);
      });
      records[doc.name] = items;
      if (items.length) found.out.push([doc.name, items.map(function (one) { return one.out; })]);
    });
    crossChecks(records, found, note);
    [found.errors, found.warnings].forEach(function (list) {  // in the order of the page
      list.sort(function (a, b) { return a.box === b.box ? 0 : a.box.compareDocumentPosition(b.box) & 4 ? -1 : 1; });
    });
    return found;
  }

  function crossChecks(records, found, note) {
    function each(section, field, action) {
      (records[section] || []).forEach(function (one, position) {
        var entry = one.parsed[field];
        if (entry && !entry.result.error) action(entry, one, position);
      });
    }
    function where(section, entry, one) {
      return fmt(UI.where_item, { item: docOf(section).item_label, number: one.index + 1, label: entry.doc.label });
    }
    RULES.not_before.forEach(function (rule) {
      each(rule.section, rule.later, function (entry, one) {
        var start = one.parsed[rule.earlier].result;
        if (entry.result.date && start.date && entry.result.date < start.date) {
          note(found.errors, entry.box, entry.doc, where(rule.section, entry, one), fmt(MSG[rule.message], { end: entry.result.date, start: start.date }));
        }
      });
    });
    RULES.one_per_line.forEach(function (rule) {
      each(rule.section, rule.field, function (entry, one) {
        var several = entry.result.value.filter(function (line) { return /[，,、；;]/.test(line); })[0];
        if (several) note(found.errors, entry.box, entry.doc, where(rule.section, entry, one), fmt(MSG[rule.message], { value: several }));
      });
    });
    RULES.once.forEach(function (rule) {  // a check of the whole list: only once its items are right
      var seen = {}, section = rule.section + ".";
      if (found.errors.some(function (p) { return p.path.indexOf(section) === 0; })) return;
      var done = false;  // validate stops at the first: so does the form
      each(rule.section, rule.field, function (entry, one, position) {
        var code = one.parsed.code && !one.parsed.code.result.error && one.parsed.code.result.value;
        var keys = [["name:" + projectKey(entry.result.value), entry, MSG["project.twice.name"]]];
        if (code) keys.push(["code:" + code, one.parsed.code, fmt(MSG["project.twice.code"], { code: code })]);
        keys.forEach(function (k) {
          if (done) return;
          if (k[0] in seen) {
            done = true;
            note(found.errors, k[1].box, k[1].doc, where(rule.section, k[1], one),
              fmt(MSG[rule.message], { value: entry.result.value, first: seen[k[0]] + 1, second: position + 1, what: k[2] }));
          } else seen[k[0]] = position;
        });
      });
    });
    if (found.errors.length) return;
    RULES.large.forEach(function (rule) {
      each(rule.section, rule.field, function (entry, one) {
        var amount = entry.result.amount;
        if (amount !== undefined && Number(amount) >= rule.limit) {
          var unit = Number(amount) >= DATA.limits.yuan ? MSG.unit_yuan : MSG.unit_wan;
          note(found.warnings, entry.box, entry.doc, where(rule.section, entry, one), fmt(MSG[rule.message], { amount: amount, unit: unit }));
        }
      });
    });
    var week = found.week, dates = [];
    RULES.dates.forEach(function (rule) { each(rule.section, rule.field, function (entry) { dates.push(entry.result.date); }); });
    if (week && week.year && dates.length) {
      var first = monday(week.year, week.week), iso = function (d) { return d.toISOString().slice(0, 10); };
      var from = iso(new Date(first.getTime() - 14 * 864e5)), to = iso(new Date(first.getTime() + 20 * 864e5));
      if (!dates.some(function (d) { return d >= from && d <= to; })) {
        var weekDoc = docOf(RULES.week);
        note(found.warnings, topBox(RULES.week), weekDoc, weekDoc.label, fmt(MSG["warn.dates"], { week: week.value }));
      }
    }
  }

  function weekDays(found) {
    var box = topBox(RULES.week).querySelector(".days"), week = found.week;
    if (!box) box = topBox(RULES.week).insertBefore(el("div", { "class": "hint days" }), topBox(RULES.week).querySelector(".msg"));
    if (!week || !week.year) { box.textContent = ""; return; }
    var first = monday(week.year, week.week), last = new Date(first.getTime() + 6 * 864e5);
    box.textContent = fmt(UI.week_days, { from: dayText(first), to: dayText(last) });
  }

  function dayText(day) { return fmt(UI.day, { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() }); }

  function show(found) {
    weekDays(found);
    root.querySelectorAll(".field").forEach(function (box) {
      box.classList.remove("bad");
      box.querySelector(".msg").textContent = "";
    });
    function mark(list, warn) {
      list.forEach(function (p) {
        if (!showAll && !touched[p.path]) return;
        var msg = p.box.querySelector(".msg");
        if (msg.textContent) return;
        msg.textContent = p.message;
        msg.className = "msg" + (warn ? " warn" : "");
        if (!warn) p.box.classList.add("bad");
      });
    }
    mark(found.errors, false);
    mark(found.warnings, true);
    if (summaryShown) {
      summary("errors", found.errors.length ? fmt(UI.errors, { count: found.errors.length }) : "", found.errors);
      summary("warnings", found.warnings.length ? UI.warnings : "", found.warnings);
    }
  }

  function summary(id, title, list) {
    var box = document.getElementById(id);
    box.textContent = "";
    box.hidden = !title;
    if (!title) return;
    box.appendChild(el("p", { text: title }));
    box.appendChild(el("ul", {}, list.map(function (p) {
      return el("li", {}, [el("a", { href: "#f-" + p.path, text: p.where }), document.createTextNode("：" + p.message)]);
    })));
  }

  // ------------------------------------------------------------------ the file

  function toYaml(found) {
    var week = found.week && found.week.year ? found.week : null, unit = topBox(RULES.unit).querySelector("select").value;
    var lines = ["# " + fmt(UI.title_comment, { unit: unit, year: week ? week.year : "", number: week ? week.week : "" }).replace(/[\r\n]/g, " "),
      "# " + UI.file_comment];
    found.out.forEach(function (pair) { emit(lines, "", pair[0], pair[1]); });
    return lines.join("\n") + "\n";
  }

  function fileName(found) {
    var unit = topBox(RULES.unit).querySelector("select").value || UI.no_unit;
    return (unit + "-" + (found.week && found.week.value || "") + ".yaml").replace(/[\\/:*?"<>|\x00-\x1f]/g, "_");
  }

  // ------------------------------------------------------------------ filling the page from a file

  function setField(box, doc, value) {
    var input = box.querySelector("[data-field]");
    if (doc.kind === "flag") {
      var word = nfkc(String(value === null ? "false" : value)).toLowerCase();
      if (DATA.flags["true"].indexOf(word) < 0 && DATA.flags["false"].indexOf(word) < 0) {
        throw new Unreadable(null, fmt(MSG["flag.invalid"], { value: value }));
      }
      input.checked = DATA.flags["true"].indexOf(word) >= 0;
      return;
    }
    if (doc.kind === "texts") { input.value = [].concat(value === null ? [] : value).join("\n"); return; }
    if (Array.isArray(value)) throw new Unreadable(null, doc.label);
    var text = value === null ? "" : value, wan = new RegExp("^([0-9]+(?:\\.[0-9]+)?)" + MSG.unit_wan + "$").exec(text);
    if (doc.kind === "money") box.querySelector(".unit select").value = wan ? MSG.unit_wan : MSG.unit_yi;
    if (doc.kind === "money" && wan) text = wan[1];
    if (doc.kind === "choice" && text && doc.choices.indexOf(text) < 0) {
      input.appendChild(el("option", { value: text, text: fmt(UI.unknown_option, { value: text }) }));
    }
    input.value = text;
  }

  function fill(data) {
    if (!data || Array.isArray(data) || typeof data !== "object" || !("unit" in data)) throw new Unreadable(1, UI.read_not_report);
    function known(object, docs) {
      Object.keys(object).forEach(function (key) {
        if (!docs.some(function (doc) { return doc.name === key; })) {
          throw new Unreadable(object.__lines[key], fmt(UI.read_key, { key: key }));
        }
      });
    }
    known(data, DATA.fields);
    root.querySelectorAll("[data-items]").forEach(function (list) { list.textContent = ""; });
    root.querySelectorAll(".unit select").forEach(function (s) { s.value = MSG.unit_yi; });
    DATA.fields.forEach(function (doc) {
      var value = doc.name in data ? data[doc.name] : null;
      if (doc.kind !== "items") { setField(topBox(doc.name), doc, value); return; }
      var list = root.querySelector('[data-items="' + doc.name + '"]');
      [].concat(value === null ? [] : value).forEach(function (entry) {
        if (!entry || typeof entry !== "object" || Array.isArray(entry)) throw new Unreadable(null, doc.label);
        known(entry, doc.fields);
        var item = addItem(doc, list);
        doc.fields.forEach(function (child) {
          setField(inItem(item)(child.name), child, child.name in entry ? entry[child.name] : null);
        });
      });
    });
  }

  function decode(buffer) {
    try { return new TextDecoder("utf-8", { fatal: true }).decode(buffer); } catch (e) { /* try GB18030 below */ }
    try { return new TextDecoder("gb18030", { fatal: true }).decode(buffer); } catch (e) { return null; }
  }

  function load(text, name) {
    var box = document.getElementById("opened");
    box.hidden = false;
    try {
      if (text === null) throw new Unreadable(null, UI.read_encoding);
      fill(files.read(text));
      box.className = "summary done";
      box.textContent = fmt(UI.opened, { name: name });
      showAll = true;
      summaryShown = true;
      show(check());
      dirty = false;
      return true;
    } catch (error) {
      if (!(error instanceof Unreadable)) throw error;
      var reason = error.line ? fmt(UI.read_line, { line: error.line, what: error.what }) : error.what;
      box.className = "summary errors";
      box.textContent = fmt(UI.open_failed, { name: name, reason: reason });
      return false;
    }
  }

  // ------------------------------------------------------------------ saving

  function save() {
    showAll = true;
    summaryShown = true;
    var found = check(), done = document.getElementById("saved");
    show(found);
    done.hidden = true;
    if (found.errors.length) {
      document.getElementById("errors").scrollIntoView({ block: "center" });
      return null;
    }
    var text = toYaml(found), name = fileName(found), link = el("a", { download: name });
    link.href = URL.createObjectURL(new Blob([text], { type: "application/x-yaml;charset=utf-8" }));
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 60000);
    var unit = topBox(RULES.unit).querySelector("select").value;
    var subject = fmt(UI.subject, { unit: unit, year: found.week.year, number: found.week.week });
    done.textContent = "";
    done.appendChild(el("p", { text: fmt(UI.saved, { file: name }) }));
    if (DATA.address) {
      done.appendChild(el("p", { text: fmt(UI.send, { address: DATA.address }) }));
      done.appendChild(el("p", {}, [el("a", { href: "mailto:" + DATA.address + "?subject=" + encodeURIComponent(subject), text: UI.mailto })]));
    } else done.appendChild(el("p", { text: UI.send_no_address }));
    done.appendChild(el("p", { text: UI.resave }));
    done.hidden = false;
    done.scrollIntoView({ block: "center" });
    dirty = false;
    return text;
  }

  // ------------------------------------------------------------------ events

  function refresh() { show(check()); }
  build();
  refresh();
  root.addEventListener("input", function () { dirty = true; refresh(); });
  root.addEventListener("change", function (event) {
    var target = event.target, box = target.closest(".field");
    if (target.getAttribute("data-action") === "open") {
      var file = target.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () { load(decode(reader.result), file.name); target.value = ""; };
      reader.readAsArrayBuffer(file);
      return;
    }
    if (target.type === "date" && box) {
      var input = box.querySelector("[data-field]");
      input.value = target.value;
    }
    if (box) touched[box.getAttribute("data-path")] = true;
    dirty = true;
    refresh();
  });
  root.addEventListener("focusout", function (event) {
    var box = event.target.closest && event.target.closest(".field");
    if (box && event.target.type !== "date") { touched[box.getAttribute("data-path")] = true; refresh(); }
  });
  root.addEventListener("click", function (event) {
    var target = event.target, action = target.getAttribute("data-action"), add = target.getAttribute("data-add");
    if (add) {
      var item = addItem(docOf(add), root.querySelector('[data-items="' + add + '"]'));
      item.querySelector("[data-field]").focus();
    } else if (action === "remove") {
      var section = target.closest(".item").getAttribute("data-section"), list = target.closest("[data-items]");
      target.closest(".item").remove();
      renumber(docOf(section), list);
      touched = {};
      dirty = true;
      refresh();
    } else if (action === "save") save();
    else if (target.type === "date") {
      var text = parse.checkDate(target.closest(".field").querySelector("[data-field]").value);
      var week = parse.checkWeek(topBox(RULES.week).querySelector("[data-field]").value);
      target.value = text.date || (week.year ? monday(week.year, week.week).toISOString().slice(0, 10) : "");
      if (target.showPicker) { try { target.showPicker(); } catch (e) { /* the browser opens its own */ } }
    }
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return undefined;
    event.preventDefault();
    event.returnValue = UI.unsaved;
    return UI.unsaved;
  });
  // For scripts and tests: the checks, the YAML as it would be saved (even with errors), reopening.
  window.briefingForm = {
    check: function () { var f = check(); return { errors: f.errors.map(plain), warnings: f.warnings.map(plain) }; },
    yaml: function () { return toYaml(check()); },
    load: function (text, name) { return load(text, name || "report.yaml"); },
    save: save
  };
  function plain(p) { return { path: p.path, key: p.key, label: p.label, where: p.where, message: p.message }; }
})();
