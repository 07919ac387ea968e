/*
 * Site search (sok/): looks the words in ?q= up in the static index that the build writes
 * into pagefind/ (see ambitionsgraf/search.py), and lists the hits in two ordered lists of
 * links, pages first, organisations second, ten at a time.
 *
 * Everything is fetched from the site itself: pagefind.js finds its index beside it and gives
 * each hit's address under the prefix the site is served from, so the search works under a
 * sub-path (/repo/). Nothing is stored and nothing is sent anywhere.
 *
 * Screen readers and keyboards: when the hits are in, focus moves to the heading that says how
 * many there are; each hit is a link in a list; "Visa fler" moves focus to the first new hit.
 */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var ORGANISATION = { del: "organisation" }; // the filter the build puts on organisations' records

  var root = document.getElementById("sok");
  if (!root) return;
  var input = document.getElementById("sok-q");
  var message = document.getElementById("sok-meddelande");
  var hits = document.getElementById("sok-traffar");
  var heading = document.getElementById("sok-rubrik");

  function el(name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function say(text) {
    message.textContent = text;
    message.hidden = false;
  }

  /** Pagefind's excerpt as text with its <mark>s, and nothing else, whatever it holds. */
  function excerpt(html) {
    var doc = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = el("p", { class: "search-excerpt" });
    doc.body.firstChild.childNodes.forEach(function (n) {
      if (n.nodeName === "MARK") out.appendChild(el("mark", {}, n.textContent));
      else out.appendChild(document.createTextNode(n.textContent));
    });
    return out;
  }

  function count(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  /** One kind of hit (pages or organisations): a list that shows PAGE_SIZE more on request. */
  function Section(prefix, results, describe) {
    this.results = results;
    this.shown = 0;
    this.list = document.getElementById("sok-" + prefix);
    this.more = document.getElementById("sok-" + prefix + "-fler");
    this.part = document.getElementById("sok-" + prefix + "-del");
    this.describe = describe;
    this.part.hidden = results.length === 0;
    var self = this;
    this.more.addEventListener("click", function () {
      self.next().then(function (first) {
        if (first) first.focus();
      });
    });
  }

  /** Show the next PAGE_SIZE hits; resolve to the first new link. */
  Section.prototype.next = function () {
    var self = this;
    var batch = this.results.slice(this.shown, this.shown + PAGE_SIZE);
    this.shown += batch.length;
    return Promise.all(batch.map(function (r) {
      return r.data();
    })).then(function (items) {
      var first = null;
      items.forEach(function (item) {
        var li = el("li");
        var link = el("a", { href: item.url }, (item.meta && item.meta.title) || item.url);
        li.appendChild(link);
        var about = self.describe(item);
        if (about) li.appendChild(el("p", { class: "search-about" }, about));
        li.appendChild(excerpt(item.excerpt || ""));
        self.list.appendChild(li);
        first = first || link;
      });
      var left = self.results.length - self.shown;
      self.more.hidden = left <= 0;
      return first;
    });
  };

  function describeOrganisation(item) {
    var meta = item.meta || {};
    return [meta.typ, meta.senast ? "senaste mätningen " + meta.senast : ""].filter(Boolean).join(", ");
  }

  function run(pagefind, query) {
    return Promise.all([
      pagefind.search(query, { filters: { not: ORGANISATION } }),
      pagefind.search(query, { filters: ORGANISATION }),
    ]).then(function (found) {
      var pages = new Section("sidor", found[0].results, function () {
        return "";
      });
      var orgs = new Section("org", found[1].results, describeOrganisation);
      var total = pages.results.length + orgs.results.length;
      if (!total) {
        say("Inga träffar för ”" + query + "”. Pröva ett annat ord, eller ett kortare.");
        document.title = "Inga träffar för ”" + query + "” – " + document.title;
        return null;
      }
      heading.textContent = count(total, "träff", "träffar") + " för ”" + query + "”: " +
        count(pages.results.length, "sida", "sidor") + " och " + count(orgs.results.length, "organisation", "organisationer");
      document.title = "Sökresultat för ”" + query + "” – " + document.title;
      return Promise.all([pages.next(), orgs.next()]).then(function () {
        hits.hidden = false;
        heading.focus();
      });
    });
  }

  var query = (new URLSearchParams(window.location.search).get("q") || "").replace(/\s+/g, " ").trim().slice(0, 200);
  input.value = query;
  if (!query) {
    say("Skriv ett eller flera ord i sökrutan och tryck på Sök.");
    return;
  }
  say("Söker …");
  var base = new URL(root.getAttribute("data-root") || "./", window.location.href);
  import(new URL("pagefind/pagefind.js", base).href)
    .then(function (pagefind) {
      return pagefind.options({ excerptLength: 24 }).then(function () {
        return run(pagefind, query);
      });
    })
    .then(function (shown) {
      if (shown !== null) message.hidden = true;
    })
    .catch(function () {
      say("Sökningen kunde inte läsas in. Ladda om sidan, eller hitta via menyn.");
    });
})();
