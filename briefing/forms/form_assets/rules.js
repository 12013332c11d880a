/* Ports of the parsers in briefing/report/fields.py (money, counts, dates, ISO weeks) for the form.
 *
 * Each check returns {value} (what the file gets) or {error} (a message of `briefing
 * validate`, from the templates in MSG, which briefing/forms/rules.py collects from the Python
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
  var MONEY_UNIT = /^([0-9]+(?:\.[0-9]+)?)(亿元|亿|万元|万|元)$/;  // more decimals than MONEY takes
  var SHIFT = { "": 0, "亿元": 0, "亿": 0, "万元": -4, "万": -4, "元": -8 };
  var THOUSANDS = /^[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?(亿元|亿|万元|万|元)?$/;
  var DECIMAL = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:e([+-]?\d+))?$/i;  // what Python's Decimal() reads
  // 1E+5, inf, NaN: refused as written (report/fields.py _EXPONENT)
  var EXPONENT = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)e[+-]?[0-9]+|\.?inf(?:inity)?|\.?s?nan)(?:亿元|亿|万元|万|元)?$/i;
  var COUNT_UNIT = /^(\d+)\s*(个|次|项|家|场|人|批|户|份|件)$/;
  var DATE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;
  var WEEK = /^(?:(\d{4})-?[Ww](\d{1,2})|(\d{4})年第?(\d{1,2})周)$/;

  function nfkc(text) { return text.normalize("NFKC").trim().replace(/ /g, ""); }
  function bad(key, values, value) { return { error: fmt(MSG[key], values), value: value }; }
  function short(text) { var chars = Array.from(text); return chars.length <= 40 ? text : chars.slice(0, 40).join("") + "…"; }

  function shifted(digits, shift) {  // "3560", -4 → "0.356": exact decimal text, trailing zeros dropped
    var parts = digits.split("."), whole = parts[0], frac = parts[1] || "";
    var all = whole + frac, point = whole.length + shift;
    while (point <= 0) { all = "0" + all; point++; }
    while (point > all.length) all += "0";
    var text = (all.slice(0, point).replace(/^0+(?=\d)/, "") || "0") + "." + all.slice(point);
    return text.replace(/0+$/, "").replace(/\.$/, "");
  }

  function atLeast(amount, limit) {  // |amount| >= limit (a whole number), exactly
    return BigInt(amount.replace(/^-/, "").split(".")[0]) >= BigInt(limit);
  }

  function fromText(raw) {  // _money_from_text: an exact decimal text in 亿元, or {error}
    if (/[，、]/.test(raw)) return bad("money.cn_comma", { value: raw }, raw);
    var t = nfkc(raw), match;
    if (THOUSANDS.test(t)) t = t.replace(/,/g, "");
    if (t.charAt(0) === "-" && MONEY.test(t.slice(1))) return bad("money.negative", { value: raw }, raw);
    if ((match = MONEY.exec(t) || MONEY_UNIT.exec(t))) return shifted(match[1], SHIFT[match[2] || ""]);
    if (EXPONENT.test(t)) return bad("money.exponent", { value: raw }, raw);
    if (/^[+-]?(inf(inity)?|s?nan\d*)$/i.test(t)) return "NaN";
    if ((match = DECIMAL.exec(t))) {
      var exponent = match[5] ? parseInt(match[5], 10) : 0, digits = (match[2] || "0") + "." + (match[3] || match[4] || "");
      if (/^[0.]*$/.test(digits)) return "0";
      var sign = match[1] === "-" ? "-" : "";
      if (exponent > 40) return sign + "1" + "0".repeat(41);   // far beyond the limit either way
      if (exponent < -40) return sign + "0." + "0".repeat(41) + "1";
      return sign + shifted(digits, exponent);
    }
    if (/^[0-9]+,[0-9]{1,2}(亿元|亿|万元|万|元)?$/.test(t)) return bad("money.decimal_comma", { value: raw }, raw);
    if (t.indexOf(",") >= 0) return bad("money.comma", { value: raw }, raw);
    var unit = /^[-+]?\d+(?:\.\d+)?\s*(\S+)$/.exec(t);
    if (unit) return bad("money.unit", { unit: unit[1], hint: /元|美/.test(unit[1]) ? MSG["money.unit.foreign"] : "" }, raw);
    return bad("money.invalid", { value: raw }, raw);
  }

  function checkMoney(text) {  // parse_money and _checked_amount
    if (text === "") return bad("money.empty", {}, null);
    var amount = fromText(text);
    if (amount.error) return amount;
    if (amount === "NaN") return bad("money.not_finite", { value: text }, text);
    if (atLeast(amount, limits.maxAmount)) {
      var bare = /^[0-9]{7,14}(\.[0-9]{1,2})?$/.test(text.trim());
      var hint = bare ? fmt(MSG["money.too_large.bare"], { value: text.trim() }) : MSG["money.too_large.check"];
      return bad("money.too_large", { value: short(text), hint: hint }, text);
    }
    if (amount.charAt(0) === "-" && amount !== "-0") return bad("money.negative", { value: text }, text);
    if ((amount.split(".")[1] || "").length > limits.maxDecimals) return bad("money.decimals", { value: short(text) }, text);
    return { value: text, amount: amount.replace(/^-/, "") };
  }

  function checkCount(text) {  // parse_count and whole_number
    if (text === "") return bad("count.empty", {}, null);
    var number, t = nfkc(text), match;
    if (/^[0-9]{1,9}$/.test(text)) number = parseInt(text, 10);
    else if (/^[-+]?\d+$/.test(t)) {
      if (t.replace(/^[-+]/, "").replace(/^0+/, "").length > 9) return bad("count.huge", { value: short(t) }, text);
      number = parseInt(t, 10);
      if (number < 0) return bad("count.negative", { value: number }, text);
    } else if (EXPONENT.test(t)) return bad("count.exponent", { value: text }, text);
    else if ((match = COUNT_UNIT.exec(t))) return bad("count.unit", { value: text, number: match[1] }, text);
    else return bad("count.invalid", { value: text }, text);
    if (number > limits.maxCount) return bad("count.too_large", { value: short(String(number)), limit: limits.maxCount }, text);
    return { value: text };
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
    return iso ? { value: iso, date: iso } : bad("date.invalid_day", { value: text, why: whyNoDate(+match[1], +match[2], +match[3]) }, text);
  }

  function whyNoDate(y, m, d) {  // fields.impossible_date: which part of the date is wrong
    if (m < 1 || m > 12) return MSG["date.why.month"];
    if (y < 1 || y > 9999) return MSG["date.why.year"];
    if (d < 1) return MSG["date.why.zero"];
    var last = m === 2 ? (isoDate(y, 2, 29) ? 29 : 28) : new Date(Date.UTC(2000, m, 0)).getUTCDate();
    return fmt(MSG["date.why.day"], { year: y, month: m, last: last });
  }

  function isoWeeks(year) {  // 53 when the year starts on a Thursday, or on a Wednesday in a leap year
    var weekday = new Date(Date.UTC(year, 0, 1)).getUTCDay(), leap = new Date(Date.UTC(year, 1, 29)).getUTCDate() === 29;
    return weekday === 4 || (leap && weekday === 3) ? 53 : 52;
  }

  function monday(year, week) {
    var jan4 = new Date(Date.UTC(year, 0, 4));
    return new Date(jan4.getTime() + ((week - 1) * 7 - (jan4.getUTCDay() + 6) % 7) * 864e5);
  }

  function thisWeek(today) {  // the ISO week of a date, as YYYY-Www
    var day = new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate()));
    day.setUTCDate(day.getUTCDate() + 3 - (day.getUTCDay() + 6) % 7);  // the Thursday decides the year
    var year = day.getUTCFullYear(), week = 1 + Math.round((day - monday(year, 1)) / 864e5 / 7 - 3 / 7);
    return year + "-W" + ("0" + week).slice(-2);
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
    checkWeek: checkWeek, monday: monday, thisWeek: thisWeek, lines: lines };
};
