/* The report file: YAML written safely, and read back (the subset written here).
 *
 * Writing: a value stays plain only when no YAML reader could take it for anything but text
 * (not `no`, `null`, `1:20`, `#1`, `- x`, `*x`, quotes...), else it is double-quoted with
 * escapes; a "，" after a "[" is escaped too, since `briefing validate` takes that pair on one
 * line for a typing slip.  Reading: block mappings and lists, plain and quoted scalars, `[a, b]`
 * and comments, enough for what this page writes and for a blank report filled in by hand;
 * anything else is refused with the line number (`words` holds the Chinese for why).
 */
var BriefingYaml = function (words) {
  "use strict";

  // ------------------------------------------------------------------ writing

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

  // ------------------------------------------------------------------ reading

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
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== size) throw new Unreadable(line, words.read_syntax);
          out += String.fromCodePoint(parseInt(hex, 16));
          i += size;
        } else if (next in ESCAPES) out += ESCAPES[next];
        else throw new Unreadable(line, words.read_syntax);
      }
      if (i >= text.length) throw new Unreadable(line, words.read_quote);
      if (text.slice(i + 1).trim()) throw new Unreadable(line, words.read_syntax);
      return out;
    }
    if (first === "'") {
      var match = /^'((?:[^']|'')*)'\s*$/.exec(text);
      if (!match) throw new Unreadable(line, words.read_quote);
      return match[1].replace(/''/g, "'");
    }
    if (first === "[") {
      if (!/\]\s*$/.test(text)) throw new Unreadable(line, words.read_syntax);
      var inner = text.replace(/^\[|\]\s*$/g, "").trim();
      if (!inner) return [];
      var items = inner.match(/("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,]+)/g) || [];
      return items.map(function (item) { return readScalar(item.trim(), line); }).filter(function (v) { return v !== null; });
    }
    if ("{|>&*!%@`".indexOf(first) >= 0) throw new Unreadable(line, words.read_syntax);
    return /^(|~|null|Null|NULL)$/.test(text) ? null : text;
  }

  function readYaml(text) {
    var rows = [];
    text.replace(/^\ufeff/, "").split(/\r\n|\r|\n/).forEach(function (line, i) {
      var body = stripComment(line).replace(/\s+$/, "");
      if (!body.trim()) return;
      var indent = /^ */.exec(body)[0].length;
      if (/^[\t\u3000\u00a0]/.test(body.slice(indent))) throw new Unreadable(i + 1, words.read_indent);
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
        if (!match || match[1] in out) throw new Unreadable(row.n, words.read_syntax);
        var value = null, next = rows[pos];
        if (match[2]) value = readScalar(match[2], row.n);
        else if (next && (next.indent > indent || (next.indent === indent && isItem(next)))) value = node();
        out[match[1]] = value;
        where[match[1]] = row.n;
      }
      Object.defineProperty(out, "__lines", { value: where });
      return out;
    }
    if (!rows.length) throw new Unreadable(1, words.read_not_report);
    var result = node();
    if (pos < rows.length) throw new Unreadable(rows[pos].n, words.read_indent);
    return result;
  }

  return { scalar: scalar, emit: emit, read: readYaml, Unreadable: Unreadable };
};
