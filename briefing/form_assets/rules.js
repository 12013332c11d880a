/* Ports of the parsers in briefing/model.py (money, counts, dates, ISO weeks) for the form.
 *
 * Each check returns {value} (what the file gets) or {error} (a message of `briefing
 * validate`, from the templates in MSG, which briefing/formrules.py collects from the Python
 * code itself).  tests/test_form_browser.py feeds the same wrong entries to both.
 */
var BriefingRules = function (MSG, limits) {
  "use strict";

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && name in values ? String(values[name]) : whole;
    });
  }

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
    return text.replace(/0+$/, "").replace(/\.$/, "");
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
    if (Math.abs(number) >= Number(limits.maxAmount)) return bad("money.too_large", { value: text }, text);
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

  function isoWeeks(year) {  // 53 when the year starts on a Thursday, or on a Wednesday in a leap year
    var weekday = new Date(Date.UTC(year, 0, 1)).getUTCDay(), leap = new Date(Date.UTC(year, 1, 29)).getUTCDate() === 29;
    return weekday === 4 || (leap && weekday === 3) ? 53 : 52;
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
    if (year < limits.minYear || year > limits.maxYear) return bad("week.year", { year: year }, text);
    if (week < 1 || week > isoWeeks(year)) return bad("week.number", { year: year, week: week, last: isoWeeks(year) }, text);
    var value = year + "-W" + ("0" + week).slice(-2);
    return { value: value, year: year, week: week };
  }

  function lines(text) {
    return text.split(/\r?\n/).map(function (line) { return line.replace(/^\s*[-*•]\s+/, "").trim(); }).filter(Boolean);
  }

  return { fmt: fmt, nfkc: nfkc, bad: bad, checkMoney: checkMoney, checkCount: checkCount, checkDate: checkDate,
    checkWeek: checkWeek, monday: monday, lines: lines };
};
