/* The weekly report's fill-in form (see briefing/form.py).
 *
 * Everything the page says and every field it shows comes from the JSON blob "form-data":
 * fields (path, label, kind, choices), the Chinese messages of `briefing validate` as
 * templates, and the page's own words.  This script lays the fields out, checks entries with
 * the rules of briefing/model.py (ported below, kept in step by tests/test_form_browser.py),
 * writes the report as YAML for download, and reads such a file back.
 * Plain ES2015 in one closure; no library, no network.
 */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("form-data").textContent);
  var UI = DATA.ui, MSG = DATA.messages, RULES = DATA.rules;
  var root = document.getElementById("form");
  var touched = {}, showAll = false, dirty = false, summaryShown = false;

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && name in values ? String(values[name]) : whole;
    });
  }

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
      var hint = [own === undefined ? doc.hint : own, doc.kind === "texts" ? UI.lines : ""].filter(Boolean).join("，");
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

  // ------------------------------------------------------------------ the parsers of briefing/model.py

  var MONEY = /^([0-9]{1,20}(?:\.[0-9]{1,12})?)(亿元|亿|万元|万|元)?$/;
  var SHIFT = { "": 0, "亿元": 0, "亿": 0, "万元": -4, "万": -4, "元": -8 };
  var THOUSANDS = /^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?(亿元|亿|万元|万|元)?$/;
  var DECIMAL = /^[+-]?((\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?|inf(inity)?|s?nan\d*)$/i;
  var COUNT_UNIT = /^(\d+)\s*(个|次|项|家|场|人|批|户|份|件)$/;
  var DATE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;
  var WEEK = /^(?:(\d{4})-?[Ww](\d{1,2})|(\d{4})年第?(\d{1,2})周)$/;

  function nfkc(text) { return text.normalize("NFKC").trim().replace(/ /g, ""); }
  function bad(key, values, value) { return { error: fmt(MSG[key], values), value: value }; }

  function shifted(digits, shift) {  // "3560", -4 → "0.356": exact, trailing zeros dropped
    var parts = digits.split("."), whole = parts[0], frac = parts[1] || "";
    var all = whole + frac, point = whole.length + shift;
    while (point <= 0) { all = "0" + all; point++; }
    while (point > all.length) all += "0";
    var text = (all.slice(0, point).replace(/^0+(?=\d)/, "") || "0") + "." + all.slice(point);
    return text.replace(/\.?0+$/, "") || "0";
  }

  function checkMoney(text) {
    if (text === "") return bad("money.empty", {}, null);
    var amount, match = MONEY.exec(text);
    if (match) amount = shifted(match[1], SHIFT[match[2] || ""]);
    else {
      if (/[，、]/.test(text)) return bad("money.cn_comma", { value: text }, text);
      var t = nfkc(text);
      if (THOUSANDS.test(t)) t = t.replace(/,/g, "");
      if (t.charAt(0) === "-" && MONEY.test(t.slice(1))) return bad("money.negative", { value: text }, text);
      match = MONEY.exec(t);
      if (match) amount = shifted(match[1], SHIFT[match[2] || ""]);
      else if (DECIMAL.test(t)) amount = String(Number(/nan/i.test(t) ? NaN : t.replace(/inf(inity)?/i, "Infinity")));
      else if (/^[0-9]+,[0-9]{1,2}(亿元|亿|万元|万|元)?$/.test(t)) return bad("money.decimal_comma", { value: text }, text);
      else if (t.indexOf(",") >= 0) return bad("money.comma", { value: text }, text);
      else {
        var unit = /^[-+]?\d+(?:\.\d+)?\s*(\S+)$/.exec(t);
        if (unit) return bad("money.unit", { unit: unit[1], hint: /元|美/.test(unit[1]) ? MSG["money.unit.foreign"] : "" }, text);
        return bad("money.invalid", { value: text }, text);
      }
    }
    var number = Number(amount);
    if (!isFinite(number)) return bad("money.not_finite", { value: text }, text);
    if (Math.abs(number) >= Number(DATA.limits.maxAmount)) return bad("money.too_large", { value: text }, text);
    if (number < 0) return bad("money.negative", { value: text }, text);
    return { value: text, amount: amount };
  }

  function checkCount(text) {
    if (text === "") return bad("count.empty", {}, null);
    if (/^[0-9]+$/.test(text)) return { value: text };
    var t = nfkc(text), match;
    if (/^[+-]?\d+$/.test(t)) {
      var number = parseInt(t, 10);
      return number < 0 ? bad("count.negative", { value: number }, text) : { value: text };
    }
    if ((match = COUNT_UNIT.exec(t))) return bad("count.unit", { value: text, number: match[1] }, text);
    return bad("count.invalid", { value: text }, text);
  }

  function isoDate(y, m, d) {
    var day = new Date(Date.UTC(2000, m - 1, d));
    day.setUTCFullYear(y);
    if (y < 1 || day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return null;
    return ("000" + y).slice(-4) + "-" + ("0" + m).slice(-2) + "-" + ("0" + d).slice(-2);
  }

  function checkDate(text) {
    if (text === "") return bad("date.empty", {}, null);
    var match = DATE.exec(nfkc(text));
    if (!match) return bad("date.format", { value: text }, text);
    var iso = isoDate(+match[1], +match[2], +match[3]);
    return iso ? { value: iso, date: iso } : bad("date.invalid_day", { value: text }, text);
  }

  function isoWeeks(year) {  // 52 or 53: the ISO week of 28 December
    var day = new Date(Date.UTC(year, 11, 28)), weekday = (day.getUTCDay() + 6) % 7;
    day.setUTCDate(day.getUTCDate() - weekday + 3);
    var first = new Date(Date.UTC(day.getUTCFullYear(), 0, 4));
    return 1 + Math.round((day - first) / 864e5 / 7 - ((first.getUTCDay() + 6) % 7 - 3) / 7);
  }

  function monday(year, week) {
    var jan4 = new Date(Date.UTC(year, 0, 4));
    return new Date(jan4.getTime() + ((week - 1) * 7 - (jan4.getUTCDay() + 6) % 7) * 864e5);
  }

  function checkWeek(text) {
    if (text === "") return bad("week.empty", {}, null);
    var match = WEEK.exec(nfkc(text));
    if (!match) return bad("week.format", { value: text }, text);
    var year = +(match[1] || match[3]), week = +(match[2] || match[4]);
    if (year < DATA.limits.minYear || year > DATA.limits.maxYear) return bad("week.year", { year: year }, text);
    if (week < 1 || week > isoWeeks(year)) return bad("week.number", { year: year, week: week, last: isoWeeks(year) }, text);
    var value = year + "-W" + ("0" + week).slice(-2);
    return { value: value, year: year, week: week };
  }

  function lines(text) {
    return text.split(/\r?\n/).map(function (line) { return line.replace(/^\s*[-*•]\s+/, "").trim(); }).filter(Boolean);
  }

  // ------------------------------------------------------------------ reading and checking the page

  function raw(box) {
    var input = box.querySelector("[data-field]"), kind = box.getAttribute("data-kind");
    if (kind === "flag") return input.checked;
    if (kind === "texts") return lines(input.value);
    var text = input.value.trim();
    if (kind === "money") {
      var unit = box.querySelector(".unit select").value;
      return unit === MSG.unit_wan && /^[0-9]+(\.[0-9]+)?$/.test(text) ? text + unit : text;
    }
    return text;
  }

  function blank(value) { return value === "" || value === false || (Array.isArray(value) && !value.length); }

  function checkField(doc, value) {
    switch (doc.kind) {
      case "money": return checkMoney(value);
      case "count": return checkCount(value);
      case "week": return checkWeek(value);
      case "flag": return { value: value ? "true" : null };
      case "texts":
        return doc.min_items && value.length < doc.min_items ? bad("list.too_short", {}, value) : { value: value };
      case "date":
        if (value === "" && !doc.required) return { value: null };
        return checkDate(value);
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
        if (doc.kind === "week") found.week = top.parsed[doc.name].result;
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
      each(rule.section, rule.field, function (entry, one, position) {
        var key = entry.result.value.normalize("NFKC").replace(/\s+/g, "");
        if (key in seen) {
          note(found.errors, entry.box, entry.doc, where(rule.section, entry, one),
            fmt(MSG[rule.message], { value: entry.result.value, first: seen[key] + 1, second: position + 1 }));
        } else seen[key] = position;
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

  // ------------------------------------------------------------------ YAML out

  var NULLS = /^(~|null|true|false|yes|no|on|off|y|n)$/i;
  var UNSAFE = /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff#:"'\\[\]{},&*!|>%@`]|^[\s\-?]|\s$/;

  function scalar(text) {
    text = String(text);
    if (text && !NULLS.test(text) && !UNSAFE.test(text) && !/^[A-Za-z_][A-Za-z0-9_]*[ \t\u3000]*：/.test(text)) return text;
    return '"' + text.replace(/[\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff，]/g, function (ch) {
      if (ch === "\\" || ch === '"') return "\\" + ch;
      if (ch === "，" && text.indexOf("[") < 0) return ch;  // a "[" then "，" on one line is a typing slip to validate
      return "\\u" + ("000" + ch.charCodeAt(0).toString(16)).slice(-4);
    }) + '"';
  }

  function emit(lines, indent, key, value) {
    if (value === null) { lines.push(indent + key + ":"); return; }
    if (!Array.isArray(value)) { lines.push(indent + key + ": " + scalar(value)); return; }
    lines.push(indent + key + ":");
    value.forEach(function (item) {
      if (!Array.isArray(item)) { lines.push(indent + "  - " + scalar(item)); return; }
      var start = lines.length;
      item.forEach(function (pair) { emit(lines, indent + "    ", pair[0], pair[1]); });
      lines[start] = indent + "  - " + lines[start].slice(indent.length + 4);
    });
  }

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

  // ------------------------------------------------------------------ YAML in (the subset written above)

  var KEY = /^([A-Za-z_][A-Za-z0-9_]*) *:(?: +(.*))?$/;

  function Unreadable(line, what) { this.line = line; this.what = what; }

  function stripComment(text) {
    var quote = null, last = "";
    for (var i = 0; i < text.length; i++) {
      var ch = text.charAt(i);
      if (quote) {
        if (quote === '"' && ch === "\\") i++;
        else if (ch === quote && !(quote === "'" && text.charAt(i + 1) === "'")) quote = null;
        else if (ch === quote) i++;
        continue;
      }
      if ((ch === '"' || ch === "'") && (last === "" || ":-[,".indexOf(last) >= 0)) quote = ch;
      else if (ch === "#" && (i === 0 || /\s/.test(text.charAt(i - 1)))) return text.slice(0, i);
      if (!/\s/.test(ch)) last = ch;
    }
    return text;
  }

  var ESCAPES = { "0": "\0", a: "\x07", b: "\b", t: "\t", "\t": "\t", n: "\n", v: "\v", f: "\f", r: "\r", e: "\x1b",
    " ": " ", '"': '"', "/": "/", "\\": "\\", N: "\x85", _: "\xa0", L: "\u2028", P: "\u2029" };

  function readScalar(text, line) {
    var first = text.charAt(0);
    if (first === '"') {
      var out = "", i = 1;
      for (; i < text.length && text.charAt(i) !== '"'; i++) {
        var ch = text.charAt(i);
        if (ch !== "\\") { out += ch; continue; }
        var next = text.charAt(++i), size = { x: 2, u: 4, U: 8 }[next];
        if (size) {
          var hex = text.substr(i + 1, size);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== size) throw new Unreadable(line, UI.read_syntax);
          out += String.fromCodePoint(parseInt(hex, 16));
          i += size;
        } else if (next in ESCAPES) out += ESCAPES[next];
        else throw new Unreadable(line, UI.read_syntax);
      }
      if (i >= text.length) throw new Unreadable(line, UI.read_quote);
      if (text.slice(i + 1).trim()) throw new Unreadable(line, UI.read_syntax);
      return out;
    }
    if (first === "'") {
      var match = /^'((?:[^']|'')*)'\s*$/.exec(text);
      if (!match) throw new Unreadable(line, UI.read_quote);
      return match[1].replace(/''/g, "'");
    }
    if (first === "[") {
      if (!/\]\s*$/.test(text)) throw new Unreadable(line, UI.read_syntax);
      var inner = text.replace(/^\[|\]\s*$/g, "").trim();
      if (!inner) return [];
      var items = inner.match(/("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,]+)/g) || [];
      return items.map(function (item) { return readScalar(item.trim(), line); }).filter(function (v) { return v !== null; });
    }
    if ("{|>&*!%@`".indexOf(first) >= 0) throw new Unreadable(line, UI.read_syntax);
    return /^(|~|null|Null|NULL)$/.test(text) ? null : text;
  }

  function readYaml(text) {
    var rows = [];
    text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/).forEach(function (line, i) {
      var body = stripComment(line).replace(/\s+$/, "");
      if (!body.trim()) return;
      var indent = /^ */.exec(body)[0].length;
      if (/^[\t\u3000\u00a0]/.test(body.slice(indent))) throw new Unreadable(i + 1, UI.read_indent);
      rows.push({ n: i + 1, indent: indent, text: body.slice(indent) });
    });
    var pos = 0;
    function isItem(row) { return row.text === "-" || row.text.slice(0, 2) === "- "; }
    function node() { return isItem(rows[pos]) ? seq(rows[pos].indent) : map(rows[pos].indent); }
    function seq(indent) {
      var out = [];
      while (pos < rows.length && rows[pos].indent === indent && isItem(rows[pos])) {
        var row = rows[pos], rest = row.text.slice(1).replace(/^ +/, "");
        if (!rest) {
          pos++;
          out.push(pos < rows.length && rows[pos].indent > indent ? node() : null);
        } else if (KEY.test(rest)) {
          row.indent = indent + row.text.length - rest.length;
          row.text = rest;
          out.push(map(row.indent));
        } else {
          pos++;
          out.push(readScalar(rest, row.n));
        }
      }
      return out;
    }
    function map(indent) {
      var out = {}, where = {};
      while (pos < rows.length && rows[pos].indent === indent && !isItem(rows[pos])) {
        var row = rows[pos++], match = KEY.exec(row.text);
        if (!match || match[1] in out) throw new Unreadable(row.n, UI.read_syntax);
        var value = null, next = rows[pos];
        if (match[2]) value = readScalar(match[2], row.n);
        else if (next && (next.indent > indent || (next.indent === indent && isItem(next)))) value = node();
        out[match[1]] = value;
        where[match[1]] = row.n;
      }
      Object.defineProperty(out, "__lines", { value: where });
      return out;
    }
    if (!rows.length) throw new Unreadable(1, UI.read_not_report);
    var result = node();
    if (pos < rows.length) throw new Unreadable(rows[pos].n, UI.read_indent);
    return result;
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
      fill(readYaml(text));
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
      var text = checkDate(target.closest(".field").querySelector("[data-field]").value);
      var week = checkWeek(topBox(RULES.week).querySelector("[data-field]").value);
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
