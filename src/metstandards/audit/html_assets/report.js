"use strict";
// The audit's HTML report: sortable tables, the repository filter, and the drill-downs, built
// from their JSON when first opened (a page of 2,000 repositories stays light). The tables are
// complete HTML without this script. Text goes into the page as text nodes, never as markup.
(function () {
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  var each = function (list, visit) { Array.prototype.forEach.call(list, visit); };

  // A cell's sort key: its data-sort attribute, else its text; "" is no value, sorted last.
  function key(cell, numeric) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) raw = cell.textContent.trim();
    if (raw === "") return null;
    return numeric ? Number(raw) : raw;
  }

  function sortable(table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var headers = table.tHead.rows[0].cells;
    var keys = [];
    each(headers, function (th, column) {
      var button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", function () {
        var numeric = th.getAttribute("data-type") === "number";
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        if (!keys[column]) {
          keys[column] = rows.map(function (row) { return key(row.cells[column], numeric); });
        }
        var k = keys[column];
        var order = rows.map(function (row, i) { return i; });
        order.sort(function (a, b) {
          var x = k[a], y = k[b];
          if (x === null || y === null) return x === y ? a - b : x === null ? 1 : -1;
          var c = numeric ? x - y : collator.compare(x, y);
          return (ascending ? c : -c) || a - b;
        });
        // Emptied at once, then filled: moving rows one by one costs time in the number of
        // rows for each row.
        var fragment = document.createDocumentFragment();
        order.forEach(function (i) { fragment.appendChild(rows[i]); });
        body.textContent = "";
        body.appendChild(fragment);
        each(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      });
    });
  }
  each(document.querySelectorAll("table.sortable"), sortable);

  // The repository filter: by name (any part of it, any case) and by result.
  var table = document.getElementById("repositories-table");
  var controls = document.getElementById("controls");
  if (table && controls) {
    var text = document.getElementById("filter-text");
    var show = document.getElementById("filter-show");
    var shown = document.getElementById("filter-shown");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var names = rows.map(function (row) { return row.cells[0].textContent.toLowerCase(); });
    var apply = function () {
      var query = text.value.trim().toLowerCase();
      var state = show.value;
      var count = 0;
      rows.forEach(function (row, i) {
        var visible = names[i].indexOf(query) !== -1 &&
          (state === "all" || row.getAttribute("data-state") === state);
        row.hidden = !visible;
        if (visible) count += 1;
      });
      shown.textContent = "Showing " + count + " of " + rows.length +
        (rows.length === 1 ? " repository." : " repositories.");
    };
    text.addEventListener("input", apply);
    show.addEventListener("change", apply);
    controls.hidden = false;
    apply();
  }

  function el(tag, className, children) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    (children || []).forEach(function (child) {
      if (child === null || child === "") return;
      var text = typeof child !== "object";
      node.appendChild(text ? document.createTextNode(String(child)) : child);
    });
    return node;
  }
  function link(href, children) {
    var node = el("a", "", children);
    node.href = href;
    return node;
  }
  function grid(className, caption, headings, rows, numeric) {
    var cell = function (tag, text, i) {
      var node = el(tag, numeric.indexOf(i) === -1 ? "" : "num", [text]);
      if (tag === "th") node.scope = "col";
      return node;
    };
    return el("table", className, [
      caption ? el("caption", "", [caption]) : null,
      el("thead", "", [el("tr", "", headings.map(function (h, i) { return cell("th", h, i); }))]),
      el("tbody", "", rows.map(function (row) {
        return el("tr", "", row.map(function (value, i) { return cell("td", value, i); }));
      })),
    ]);
  }
  function sentence(label, items) {
    return items.length ? label + ": " + items.join(", ") + ". " : "";
  }
  // A file at the audited commit, linked to the forge when the repository has one.
  function where(data, path, line) {
    if (!path) return null;
    var text = el("code", "", [path + (line ? ":" + line : "")]);
    if (!data.blob) return text;
    var segments = path.replace(/^\/+/, "").split("/").map(encodeURIComponent);
    return link(data.blob + segments.join("/") + (line ? "#L" + line : ""), [text]);
  }
  function check(data, c) {
    // [code, name, family, verdict, message, evidence [path, line, detail], hint]
    var kind = c[3] === "Failed" ? "fail" : "error";
    var evidence = c[5].map(function (e) {
      return el("li", "", [where(data, e[0], e[1]), e[0] && e[2] ? " \u2014 " : "", e[2]]);
    });
    var title = [
      el("span", "badge " + kind, [c[3]]), " ", el("strong", "", [c[0]]), " " + c[1] + " ",
      el("span", "muted", ["(" + c[2] + ")"]),
    ];
    return el("li", kind, [
      el("p", "", title),
      el("p", "", [c[4]]),
      evidence.length ? el("ul", "evidence", evidence) : null,
      c[6] ? el("p", "", [el("strong", "", ["What to do: "]), c[6]]) : null,
    ]);
  }
  function code(data) {
    var found = data.code;
    if (typeof found === "string") return [el("h3", "", ["Code"]), el("p", "", [found])];
    var out = [el("h3", "", ["Code"]), el("p", "", [found.summary])];
    if (found.parts.length) {
      out.push(grid("", "The parts of metstandards check the audit ran",
        ["Part", "Result", "Findings", "Note"], found.parts, [2]));
    }
    if (found.counts.length) {
      out.push(el("p", "", ["Findings by code: "].concat(found.counts.map(function (c, i) {
        return el("span", "", [i ? ", " : "", el("code", "", [c[0]]), " " + c[1]]);
      })).concat(["."])));
    }
    if (found.findings.length) {
      out.push(grid("wide", found.findingsCaption, ["Severity", "Where", "Code", "Message"],
        found.findings.map(function (f) {
          return [f[0], where(data, f[1], f[2]), el("code", "", [f[3]]), f[4]];
        }), []));
    }
    return out;
  }
  function fill(details) {
    var id = details.querySelector("summary").id;
    var source = document.getElementById(id + "-data");
    var body = details.querySelector(".body");
    if (!source || body.hasAttribute("data-filled")) return;
    var data = JSON.parse(source.textContent);
    var out = [];
    var commit = data.commit ? el("code", "", [data.commit.slice(0, 12)]) : null;
    var back = link("#row-" + id.slice(5), ["Back to the table"]);
    back.className = "back";
    out.push(el("p", "", [
      "Audited from ", el("code", "", [data.source]),
      commit ? " at commit " : "",
      commit && data.commitUrl ? link(data.commitUrl, [commit]) : commit,
      " in " + data.seconds + " seconds. ",
      data.home ? link(data.home, ["Open the repository"]) : null, data.home ? " \u00b7 " : "",
      back,
    ]));
    if (data.error) {
      out.push(el("p", "problem", [el("strong", "", ["Could not be audited: "]), data.error]));
    }
    if (data.checks.length) {
      out.push(el("h3", "", ["Checks that failed or could not decide"]));
      out.push(el("ul", "checks", data.checks.map(function (c) { return check(data, c); })));
    } else if (data.passed.length) {
      out.push(el("p", "", ["Every repository check that applies passed."]));
    }
    var others = sentence("Passed", data.passed) + sentence("Not applicable", data.notApplicable);
    if (others) out.push(el("p", "muted", [others]));
    if (data.lost.length) {
      out.push(el("h3", "", ["Points lost"]));
      out.push(el("p", "", [data.below.length
        ? "Families below the pass score: " + data.below.join(", ") + "."
        : "Every family passes."]));
      out.push(grid("wide", "", ["Family", "Family score", "Points", "Code", "Why", "What to do"],
        data.lost, [1, 2]));
    }
    if (data.code) out = out.concat(code(data));
    if (data.change) {
      out.push(el("h3", "", ["Since the previous report"]), el("p", "", [data.change]));
    }
    body.textContent = "";
    out.forEach(function (node) { body.appendChild(node); });
    body.setAttribute("data-filled", "");
  }
  document.addEventListener("toggle", function (event) {
    if (event.target.open && event.target.classList.contains("repo")) fill(event.target);
  }, true);

  // A link to a repository's drill-down targets its summary, which the browser scrolls to and
  // focuses; this opens it.
  function open(hash) {
    var target = hash.length > 1 ? document.getElementById(hash.slice(1)) : null;
    if (target && target.tagName === "SUMMARY") target.parentNode.open = true;
  }
  document.addEventListener("click", function (event) {
    var anchor = event.target.closest ? event.target.closest("a[href^='#repo-']") : null;
    if (anchor) open(anchor.getAttribute("href"));
  });
  window.addEventListener("hashchange", function () { open(location.hash); });
  open(location.hash);
})();
