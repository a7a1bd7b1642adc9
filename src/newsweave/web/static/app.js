/* newsweave story page: choosing a fact (or an event) highlights its sentence in every source.
   The highlight marks are rendered by the server; this script only toggles classes and never
   inserts text as HTML. Without it, the same choice works as a link (?fact=f3). */
(function () {
  "use strict";
  var REF = /^[fe]\d{1,6}$/;

  function all(selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  }

  function refsOf(el) {
    return (el.getAttribute("data-refs") || el.getAttribute("data-ref") || "")
      .split(/\s+/).filter(function (r) { return REF.test(r); });
  }

  function scrollToFirstMark() {
    all(".source .text").forEach(function (box) {
      var first = box.querySelector("mark.hl");
      box.closest(".source").classList.toggle("has-hl", !!first);
      if (first) {
        box.scrollTop = Math.max(0, first.offsetTop - 48);
      }
    });
  }

  function select(refs) {
    all("mark.hl").forEach(function (m) { m.classList.remove("hl"); });
    all("[data-ref].selected").forEach(function (el) {
      el.classList.remove("selected");
      if (el.hasAttribute("aria-selected")) { el.setAttribute("aria-selected", "false"); }
    });
    refs.forEach(function (ref) {
      all('mark[data-refs~="' + ref + '"]').forEach(function (m) { m.classList.add("hl"); });
      all('[data-ref="' + ref + '"]').forEach(function (el) {
        el.classList.add("selected");
        if (el.hasAttribute("aria-selected")) { el.setAttribute("aria-selected", "true"); }
      });
    });
    scrollToFirstMark();
    if (refs.length && window.history && history.replaceState) {
      history.replaceState(null, "", "?" + withFact(refs[0]) + window.location.hash);
    }
  }

  // the page's query with fact=REF (keeping facts=all: the full table stays full on reload)
  function withFact(ref) {
    var params = new URLSearchParams(window.location.search);
    params.set("fact", ref);
    return params.toString();
  }

  function revealSources() {
    var sources = document.getElementById("sources");
    if (!sources) { return; }
    var box = sources.getBoundingClientRect();
    if (box.top > window.innerHeight || box.bottom < 0) {
      sources.scrollIntoView({ block: "start" });
    }
  }

  function chooseRow(row) {
    select(refsOf(row));
    revealSources();
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var row = target.closest("[data-ref]");
    if (row) {
      if (target.closest("a.cite")) { return; }  // a citation jumps to its article as usual
      event.preventDefault();
      chooseRow(row);
      return;
    }
    var mark = target.closest("mark[data-refs]");
    if (mark) {
      var refs = refsOf(mark);
      var facts = refs.filter(function (r) { return r.charAt(0) === "f"; });
      var listed = facts.filter(function (r) { return document.querySelector('tr[data-ref="' + r + '"]'); });
      if (facts.length && !listed.length) {
        // its facts are past the table's first rows: the server lists a chosen fact, so ask for it
        window.location.assign("?" + withFact(facts[0]) + "#compare");
        return;
      }
      var chosen = (listed.length ? listed : refs).slice(0, 1);
      select(chosen);
      var chosenRow = chosen.length && document.querySelector('tr[data-ref="' + chosen[0] + '"]');
      if (chosenRow) { chosenRow.scrollIntoView({ block: "nearest" }); }
      return;
    }
    var sentence = target.closest(".summary li[data-refs]");
    if (sentence) {
      select(refsOf(sentence));  // a citation link still jumps to its article
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || (event.key !== "Enter" && event.key !== " ")) { return; }
    if (target.matches("[data-ref]")) {
      event.preventDefault();
      chooseRow(target);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    scrollToFirstMark();
  });
})();
