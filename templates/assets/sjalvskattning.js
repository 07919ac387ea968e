/*
 * Self-assessment: scores the answers in the browser, exactly as
 * ambitionsgraf/scoring.py does, from the instrument data the build embeds in
 * the page (#sa-instrument, generated from content/instrument.yaml by
 * ambitionsgraf/selfassessment.py). Nothing about the questions, weights or
 * thresholds is written here.
 *
 * Arithmetic: every value is an exact fraction of two integers, reduced after
 * each step, and comparisons cross-multiply. A mean of exactly 2.5 is
 * therefore at the threshold, as with Python's Fractions; no floating point
 * and no epsilon is involved. (The integers stay tiny: denominators are
 * products of the area denominators, weights and respondent counts.)
 * Display: one decimal, decimal comma, halves rounded up, like text.num (ambitionsgraf/text.py).
 *
 * Privacy: this script makes no requests. The answers are kept in the browser's own storage
 * (localStorage, this site's origin only) so that a reload keeps them, until "Rensa" forgets
 * them; no cookies. The answer file is built here and handed over as a download, and a file
 * opened with "Öppna en sparad fil" is read here (readAnswerFile), never sent anywhere.
 */
(function () {
  "use strict";

  // -- exact rational arithmetic ------------------------------------------------

  function gcd(a, b) {
    a = Math.abs(a);
    b = Math.abs(b);
    while (b) {
      var t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  function frac(n, d) {
    if (d === undefined) d = 1;
    if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || d === 0) throw new Error("fraction out of range");
    if (d < 0) {
      n = -n;
      d = -d;
    }
    var g = gcd(n, d) || 1;
    return { n: n / g, d: d / g };
  }

  function fromPair(pair) {
    return frac(pair[0], pair[1]);
  }

  function add(a, b) {
    return frac(a.n * b.d + b.n * a.d, a.d * b.d);
  }

  function mul(a, b) {
    return frac(a.n * b.n, a.d * b.d);
  }

  function divInt(a, k) {
    return frac(a.n, a.d * k);
  }

  function cmp(a, b) {
    var x = a.n * b.d;
    var y = b.n * a.d;
    return x < y ? -1 : x > y ? 1 : 0;
  }

  function mean(values) {
    if (!values.length) return null;
    var sum = frac(0);
    values.forEach(function (v) {
      sum = add(sum, v);
    });
    return divInt(sum, values.length);
  }

  /** |f| rounded half up to `decimals` decimals, in units of 10^-decimals (an integer). */
  function roundedUnits(f, decimals) {
    var scale = Math.pow(10, decimals);
    var top = 2 * Math.abs(f.n) * scale + f.d;
    return (top - (top % (2 * f.d))) / (2 * f.d);
  }

  /** `decimals` decimals, decimal comma, halves rounded up (2,25 → 2,3); "–" when missing. */
  function num(f, decimals) {
    if (f === null || f === undefined) return "–";
    var units = roundedUnits(f, decimals);
    var scale = Math.pow(10, decimals);
    var part = String(units % scale);
    while (part.length < decimals) part = "0" + part;
    var text = Math.floor(units / scale) + (decimals ? "," + part : "");
    return f.n < 0 && units ? "−" + text : text;
  }

  /**
   * As views.shown (text.kept_decimals): the fewest decimals, at least `fewest` (ins.decimals), that
   * keep the shown value on the side of every bound the value is classified by (≥ t for at_least,
   * > t for above), so that 2,45 beside a threshold of 2,5 reads "2,45", never "2,5".
   */
  function shown(f, bounds, fewest) {
    if (f === null || f === undefined) return num(f, fewest);
    var atLeast = ((bounds && bounds.at_least) || []).map(fromPair);
    var above = ((bounds && bounds.above) || []).map(fromPair);
    for (var decimals = fewest; ; decimals++) {
      var units = roundedUnits(f, decimals) * (f.n < 0 ? -1 : 1);
      var rounded = frac(units, Math.pow(10, decimals));
      var kept = atLeast.every(function (t) {
        return (cmp(rounded, t) >= 0) === (cmp(f, t) >= 0);
      }) && above.every(function (t) {
        return (cmp(rounded, t) > 0) === (cmp(f, t) > 0);
      });
      if (kept) return num(f, decimals);
    }
  }

  // -- scoring: mirrors ambitionsgraf/scoring.py --------------------------------

  function Scorer(ins) {
    this.ins = ins;
    this.questions = [];
    this.byId = {};
    var self = this;
    ins.areas.forEach(function (area) {
      area.questions.forEach(function (q) {
        q.area = area.id;
        self.questions.push(q);
        self.byId[q.id] = q;
      });
    });
    this.scaleValues = {};
    ins.scale.forEach(function (s) {
      self.scaleValues[s.value] = true;
    });
    this.threshold = fromPair(ins.threshold);
    this.axes = Object.keys(ins.axes);
    this.statusOrder = ins.statuses.map(function (s) {
      return s.id;
    });
  }

  /** A value as the page shows it (as views.shown), by the bounds it is classified by. */
  Scorer.prototype.shown = function (f, bounds) {
    return shown(f, bounds, this.ins.decimals);
  };

  /** The weight of an answer: the option's when it weighs, else the question's. */
  Scorer.prototype.weight = function (q, optionKey) {
    if (optionKey) {
      var option = q.options.filter(function (o) {
        return o.key === optionKey;
      })[0];
      if (option && option.weight) return fromPair(option.weight);
    }
    return fromPair(q.weight);
  };

  /** A usable answer {points, weight}, or null when missing (absent, vet_ej, or not on the scale). */
  Scorer.prototype.resolve = function (q, given) {
    if (!given || given.value === null || given.value === undefined || given.value === "") return null;
    var value = String(given.value);
    if (value === this.ins.dont_know.key) return null;
    var points;
    if (q.rule === "ja_nej") {
      if (!Object.prototype.hasOwnProperty.call(q.points, value)) return null;
      points = q.points[value];
    } else {
      if (!/^[0-9]+$/.test(value) || !this.scaleValues[Number(value)]) return null;
      points = Number(value);
    }
    var option = given.option || null;
    return { points: points, weight: this.weight(q, option || q.default_option || null) };
  };

  Scorer.prototype.isDontKnow = function (given) {
    return !!given && String(given.value) === this.ins.dont_know.key;
  };

  /** Σ(weight × points) / denominator, only when every question in the area is answered. */
  Scorer.prototype.respondentArea = function (respondent, area) {
    var total = frac(0);
    for (var i = 0; i < area.questions.length; i++) {
      var q = area.questions[i];
      var a = this.resolve(q, (respondent.answers || {})[q.id]);
      if (!a) return null;
      total = add(total, mul(a.weight, frac(a.points)));
    }
    return divInt(total, area.denominator);
  };

  /** Whether an axis's value is systematic: at or above the threshold (scoring.is_systematic). */
  Scorer.prototype.systematic = function (value) {
    return cmp(value, this.threshold) >= 0;
  };

  /** The quadrant whose systematic/temporary on each axis the values have; null until every axis has one. */
  Scorer.prototype.quadrant = function (axes) {
    var self = this;
    if (this.axes.some(function (axis) { return axes[axis] === null; })) return null;
    return this.ins.quadrants.filter(function (q) {
      return self.axes.every(function (axis) {
        return q[axis] === self.systematic(axes[axis]);
      });
    })[0].id;
  };

  Scorer.prototype.group = function (respondents) {
    var self = this;
    var areas = {};
    this.ins.areas.forEach(function (area) {
      var values = respondents
        .map(function (r) {
          return self.respondentArea(r, area);
        })
        .filter(function (v) {
          return v !== null;
        });
      areas[area.id] = mean(values);
    });
    var axes = {};
    this.axes.forEach(function (axis) {
      var values = self.ins.areas
        .filter(function (a) {
          return a.axis === axis;
        })
        .map(function (a) {
          return areas[a.id];
        });
      axes[axis] = values.some(function (v) {
        return v === null;
      })
        ? null
        : mean(values);
    });
    return { respondents: respondents.length, areas: areas, axes: axes, quadrant: this.quadrant(axes) };
  };

  /** As scoring.question_status, by its rule as data (scoring.status_rule): the first status whose bound the mean reaches. */
  Scorer.prototype.questionStatus = function (q, meanPoints) {
    if (meanPoints === null) return null;
    return q.status_rule.filter(function (r) {
      if (r.bound === null) return true;
      var c = cmp(meanPoints, fromPair(r.bound));
      return r.strict ? c > 0 : c >= 0;
    })[0].status;
  };

  /** As scoring.weakest_status: a question nobody answered caps the step (ins.unanswered_cap). */
  Scorer.prototype.weakest = function (statuses) {
    var order = this.statusOrder;
    var known = statuses.filter(function (s) {
      return s !== null;
    });
    if (!known.length) return null;
    if (known.length < statuses.length) known.push(this.ins.unanswered_cap);
    return known.reduce(function (a, b) {
      return order.indexOf(b) > order.indexOf(a) ? b : a;
    });
  };

  /** As scoring.priorities: up to ins.priority_limit steps or zones not in place, weakest status first, then instrument order. */
  Scorer.prototype.priorities = function (steps) {
    var order = this.statusOrder;
    var candidates = this.ins.steps.filter(function (s) {
      return steps[s.id] !== null && steps[s.id] !== order[0];
    });
    candidates.sort(function (a, b) {
      var byStatus = order.indexOf(steps[b.id]) - order.indexOf(steps[a.id]);
      return byStatus || a.order - b.order;
    });
    return candidates.slice(0, this.ins.priority_limit).map(function (s) {
      return s.id;
    });
  };

  /** Everything score_assessment computes, for a list of respondents {role, answers}. */
  Scorer.prototype.assessment = function (respondents) {
    var self = this;
    var questions = {};
    this.questions.forEach(function (q) {
      var points = [];
      var dontKnow = 0;
      respondents.forEach(function (r) {
        var given = (r.answers || {})[q.id];
        var a = self.resolve(q, given);
        if (a) points.push(a.points);
        if (self.isDontKnow(given)) dontKnow += 1;
      });
      var m = mean(
        points.map(function (p) {
          return frac(p);
        })
      );
      questions[q.id] = {
        mean: m,
        spread: points.length ? Math.max.apply(null, points) - Math.min.apply(null, points) : null,
        answered: points.length,
        missing: respondents.length - points.length,
        dont_know: dontKnow,
        status: self.questionStatus(q, m),
      };
    });
    var steps = {};
    this.ins.steps.forEach(function (s) {
      steps[s.id] = self.weakest(
        self.questions
          .filter(function (q) {
            return q.step === s.id;
          })
          .map(function (q) {
            return questions[q.id].status;
          })
      );
    });
    var roles = {};
    this.ins.roles.forEach(function (role) {
      var mine = respondents.filter(function (r) {
        return r.role === role.id;
      });
      if (mine.length) roles[role.id] = self.group(mine);
    });
    var overall = this.group(respondents);
    return {
      overall: overall,
      roles: roles,
      questions: questions,
      steps: steps,
      priorities: this.priorities(steps),
      reserved: this.reservedBy(overall.quadrant, questions),
    };
  };

  /**
   * As scoring.reserved_by: in the quadrant the instrument reserves (ins.reservation), the questions
   * of the step it requires that are not in place, unanswered included; empty when the label stands alone.
   */
  Scorer.prototype.reservedBy = function (quadrant, questions) {
    var r = this.ins.reservation;
    if (!r || quadrant !== r.quadrant) return [];
    var inPlace = this.statusOrder[0];
    return this.questions
      .filter(function (q) {
        return q.step === r.step && questions[q.id].status !== inPlace;
      })
      .map(function (q) {
        return q.id;
      });
  };

  /** The quadrant's label, with its reservation beside it where it has one (as views.quadrant_label). */
  Scorer.prototype.quadrantLabel = function (result) {
    var id = result.overall.quadrant;
    var label = this.ins.quadrants.filter(function (q) {
      return q.id === id;
    })[0].label;
    return result.reserved.length ? label + ", " + this.ins.reservation.short : label;
  };

  // -- plain data for tests and for reading ----------------------------------------

  function pair(f) {
    return f === null ? null : [f.n, f.d];
  }

  function plainGroup(g, scorer) {
    var bounds = scorer.ins.bounds;
    var out = { respondents: g.respondents, areas: {}, axes: {}, quadrant: g.quadrant, shown: { areas: {}, axes: {} } };
    Object.keys(g.areas).forEach(function (k) {
      out.areas[k] = pair(g.areas[k]);
      out.shown.areas[k] = scorer.shown(g.areas[k], bounds.areas[k]);
    });
    Object.keys(g.axes).forEach(function (k) {
      out.axes[k] = pair(g.axes[k]);
      out.shown.axes[k] = scorer.shown(g.axes[k], bounds.axis);
    });
    return out;
  }

  function plain(result, scorer) {
    var questions = {};
    Object.keys(result.questions).forEach(function (k) {
      var q = result.questions[k];
      questions[k] = {
        mean: pair(q.mean),
        shown: scorer.shown(q.mean, scorer.ins.bounds.questions[k]),
        spread: q.spread,
        answered: q.answered,
        missing: q.missing,
        dont_know: q.dont_know,
        status: q.status,
      };
    });
    var roles = {};
    Object.keys(result.roles).forEach(function (k) {
      roles[k] = plainGroup(result.roles[k], scorer);
    });
    return {
      overall: plainGroup(result.overall, scorer),
      roles: roles,
      questions: questions,
      steps: result.steps,
      priorities: result.priorities,
      reserved: result.reserved,
    };
  }

  // -- the answer file ----------------------------------------------------------
  // The same text as ambitionsgraf/answerfile.py writes; tests/test_answerfile.py
  // fills this page in Chromium and compares the download with it byte for byte.

  function oneLine(text) {
    // As text.one_line: controls, line breaks and noncharacters become spaces, runs of white space one space, none at the ends.
    return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff]/g, " ").replace(/\s+/g, " ").trim();
  }

  function yamlString(text) {
    // As text.quote: a JSON string is a valid YAML double-quoted scalar once the characters
    // JSON leaves raw but YAML may not hold (C1 controls, line and paragraph separators,
    // byte-order mark, non-characters) are escaped too.
    return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  function isoDate(d) {
    function two(x) {
      return (x < 10 ? "0" : "") + x;
    }
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate());
  }

  var DEFAULT_NAME = "Min organisation";
  var HEADER = "Självskattning gjord på webbplatsen Ambitionsgrafen: en persons svar, skapade i webbläsaren.";

  function orgName(person) {
    return oneLine(person.name || "") || DEFAULT_NAME;
  }

  function slugFor(name) {
    var slug = (name || "")
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    return slug || "sjalvskattning";
  }

  /** The answer file for one person: publicerad: false, today's date, their role, and the comments of a file opened (if any). */
  function answerFile(scorer, person, answers, today, comments) {
    var ins = scorer.ins;
    var lines = [
      "# " + HEADER,
      "namn: " + yamlString(orgName(person)),
      "typ: " + person.type,
      "publicerad: false",
      "matningar:",
      "  - datum: " + today,
    ];
    comments = comments || {};
    if (typeof comments.round === "string") lines.push("    kommentar: " + yamlString(comments.round));
    lines.push("    respondenter:", "      - roll: " + person.role);
    if (typeof comments.respondent === "string") lines.push("        kommentar: " + yamlString(comments.respondent));
    var given = scorer.questions.filter(function (q) {
      return answers[q.id] && answers[q.id].value;
    });
    if (!given.length) {
      lines.push("        svar: {}");
    } else {
      lines.push("        svar:");
      given.forEach(function (q) {
        var a = answers[q.id];
        var value = String(a.value);
        if (q.extra && a.option && value !== ins.dont_know.key) {
          value = "{svar: " + value + ", " + q.extra + ": " + a.option + "}";
        }
        lines.push("          " + q.id + ": " + value);
      });
    }
    return lines.join("\n") + "\n";
  }

  // -- reading an answer file back (the format build.py check accepts) ------------------------
  //
  // js-yaml (assets/vendor/js-yaml.min.js, loaded before this script) reads the YAML with its JSON
  // schema: texts, whole numbers, true, false and null, never a date or a type of its own. Its
  // listener reports each node as it is read, which gives every value its line for the messages.

  function FileProblem(line, message) {
    this.line = line;
    this.message = message;
  }

  // What js-yaml says (its `reason`), in words a person can act on: the first that fits. `before` is
  // the line up to where js-yaml stopped.
  var ALIAS = "ett värde kan inte börja med * eller &; skriv texten inom citattecken";
  var YAML_REASONS = [
    [/end of the stream within a (double|single) quoted scalar/, "en text inom citattecken avslutas aldrig"],
    [/tab characters/, "dra in med mellanslag, inte tabb"],
    [/duplicated mapping key/, "samma nyckel står två gånger"],
    [/bad indentation/, "ett andra ': ' på raden; skriv en text som innehåller ': ' inom citattecken", /: /],
    [/bad indentation|end of the stream or a document separator/, "oväntat indrag"],
    [/flow collection/, "en { eller [ stängs inte, eller saknar ett kommatecken"],
    [/escape sequence|hexadecimal/, "okänd kod efter \\ i en text inom dubbla citattecken; skriv texten inom enkla citattecken"],
    [/alias|anchor/, ALIAS],
    [/./, "det här är ingen YAML som en svarsfil skrivs i"],
  ];

  function yamlProblem(e, text) {
    var lines = text.split(/\r\n|\r|\n/);
    var last = lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
    var line = Math.max(1, Math.min(e.mark ? e.mark.line + 1 : 1, last)); // js-yaml places the file's end on a line of its own
    var before = e.mark ? (lines[e.mark.line] || "").slice(0, e.mark.column) : "";
    var found = YAML_REASONS.filter(function (r) {
      return r[0].test(e.reason || "") && (!r[2] || r[2].test(before));
    })[0];
    return new FileProblem(line, found[1]);
  }

  /** A mapping's keys and values (js-yaml reports them in turn) as {map, lines}; keys are plain values. */
  function pairs(node) {
    node.map = Object.create(null); // a key such as __proto__ is a key like any other
    node.lines = Object.create(null);
    for (var i = 0; i < node.children.length; i += 2) {
      var key = node.children[i];
      if (key.scalar === undefined || key.scalar === null) throw new FileProblem(key.line, "väntade nyckel: värde");
      node.map[String(key.scalar)] = node.children[i + 1];
      node.lines[String(key.scalar)] = key.line;
    }
  }

  /** The file as nested {map}/{list}/{scalar} nodes, each with its line (and a scalar with its text as written, `raw`). */
  function parseYaml(text) {
    var source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // as js-yaml reads it, positions included
    var open = [{ children: [] }];
    function listener(event, state) {
      if (event === "open") {
        open.push({ line: state.line + 1, start: state.position, children: [] });
        return;
      }
      var node = open.pop();
      var kids = node.children;
      // js-yaml reports some nodes twice: a flow collection that begins the document ({…} or [...], as
      // JSON is written) inside a node holding the same value, and a key it tried after the last pair of
      // a mapping (before "..." that ends the document) and left empty. Neither is in the value it returns.
      if (kids.length === 1 && state.result !== null && typeof state.result === "object" && kids[0].result === state.result) {
        open[open.length - 1].children.push(kids[0]);
        return;
      }
      if (state.kind === "mapping" && kids.length % 2 === 1 && kids[kids.length - 1].scalar === null) kids.pop();
      open[open.length - 1].children.push(node);
      node.result = state.result;
      if (state.kind === "sequence") node.list = node.children;
      else if (state.kind === "mapping") pairs(node);
      else if (state.kind === null && state.result !== null) throw new FileProblem(node.line, ALIAS); // an alias: js-yaml has read no value of its own
      else {
        node.scalar = state.result;
        node.raw = source.slice(node.start, state.position).trim();
      }
    }
    try {
      jsyaml.load(source, { schema: jsyaml.JSON_SCHEMA, listener: listener });
    } catch (e) {
      if (e instanceof jsyaml.YAMLException) throw yamlProblem(e, text);
      throw e;
    }
    var root = open[0].children[0];
    if (!root || root.scalar === null) throw new FileProblem(1, "filen är tom"); // nothing, or comments only
    return root;
  }

  /** A kommentar as check reads it: any text (a plain number or true as written), trimmed; none when the key is absent. */
  function commentOf(node, key) {
    var v = node.map[key];
    if (!v) return null;
    var text = typeof v.scalar === "string" ? v.scalar : typeof v.scalar === "number" || typeof v.scalar === "boolean" ? v.raw : null;
    if (text === null || !text.trim()) throw new FileProblem(node.lines[key], key + ": väntade en text (eller ta bort raden), fick " + (text === null ? described(v.scalar) : "en tom text"));
    return text.trim();
  }

  // The fields the page reads but does not use, held to check's rules (answercheck.py) with the data the build
  // emits (ins.answer_file): keys allowed at each level, the date's pattern, SCB's codes and their kinds.

  /** Every key not allowed at this level refused, with its line. */
  function knownKeys(node, keys, where) {
    Object.keys(node.map).forEach(function (k) {
      if (keys.indexOf(k) < 0) throw new FileProblem(node.lines[k], k + ": okänd nyckel i " + where + "; väntade " + keys.join(", "));
    });
  }

  /** A scalar as written (a number as its text), for a message. */
  function asWritten(node) {
    return typeof node.scalar === "number" ? node.raw : described(node.scalar);
  }

  function checkDate(format, round) {
    var node = round.map.datum;
    var line = round.lines.datum;
    if (!node) throw new FileProblem(round.line, "datum saknas: väntade ett datum skrivet ÅÅÅÅ-MM-DD");
    var m = typeof node.scalar === "string" ? new RegExp("^(?:" + format.date + ")$").exec(node.scalar.trim()) : null;
    if (!m) throw new FileProblem(line, "datum: väntade ett datum skrivet ÅÅÅÅ-MM-DD, fick " + asWritten(node));
    var day = new Date(Date.UTC(2000, +m[2] - 1, +m[3]));
    day.setUTCFullYear(+m[1]);
    if (+m[1] < 1 || day.getUTCMonth() !== +m[2] - 1 || day.getUTCDate() !== +m[3]) {
      throw new FileProblem(line, "datum: väntade ett riktigt datum, fick " + m[0] + " (ingen sådan dag)");
    }
  }

  /** publicerad: true or false as written plain; kod: SCB's code within quotes, of the kind typ says. */
  function checkFileFields(format, root, type) {
    var published = root.map.publicerad;
    if (published && typeof published.scalar !== "boolean") {
      throw new FileProblem(root.lines.publicerad, "publicerad: väntade true eller false, fick " + asWritten(published));
    }
    var kod = root.map.kod;
    if (!kod) return;
    var code = typeof kod.scalar === "string" ? kod.scalar.trim() : null;
    if (code === null || !code || !/^["']/.test(kod.raw)) {
      throw new FileProblem(root.lines.kod, 'kod: väntade SCB:s kod inom citattecken, t.ex. kod: "0114", fick ' + (code ? code : asWritten(kod)));
    }
    var kind = Object.prototype.hasOwnProperty.call(format.codes, code) ? format.codes[code] : null;
    if (kind === null) throw new FileProblem(root.lines.kod, "kod: ingen kommun eller region har koden " + code);
    if (kind !== type) throw new FileProblem(root.lines.kod, "kod: " + code + " är koden för en " + kind + ", men typ är " + type);
  }

  /** A value as a message quotes it. */
  function described(value) {
    return value === undefined ? "en lista eller flera värden" : value === null ? "inget värde" : String(value);
  }

  /** The form's value of an answer: a ja/nej key or "vet_ej" as written, a point on the scale as a number. */
  function answerValue(scorer, q, node, line) {
    var ins = scorer.ins;
    var given = node.scalar;
    var keys = q.rule === "ja_nej" ? Object.keys(q.points) : [];
    var numbers = q.rule === "ja_nej" ? [] : ins.scale.map(function (s) { return s.value; });
    var allowed = keys.concat(numbers.map(String), [ins.dont_know.key]);
    var text = typeof given === "string" && (keys.indexOf(given) >= 0 || given === ins.dont_know.key);
    // A point is written as check takes it, digits only: js-yaml also reads 0x3, 03, +3, 3.0, 3e0, 0_3 and
    // !!int 3 as 3, which check refuses.
    var plain = typeof given === "number" && String(given) === node.raw;
    if (text || (plain && numbers.indexOf(given) >= 0)) return String(given);
    var quoted = typeof given === "string" && numbers.map(String).indexOf(given.trim()) >= 0;
    var shown = typeof given === "number" ? node.raw : described(given);
    throw new FileProblem(line, q.id + ": väntade " + allowed.join(", ") + ", fick " + shown + (quoted ? " (inom citattecken; skriv talet utan dem)" : ""));
  }

  /**
   * An answer file as one person's answers for the form: {person: {role, name, type}, answers,
   * count}. A file with more than one round or respondent is refused: the form holds one person.
   */
  function readAnswerFile(scorer, text) {
    var ins = scorer.ins;
    var root = parseYaml(text);
    function need(node, key, what) {
      var v = node.map && node.map[key];
      if (!v) throw new FileProblem(node.line, key + " saknas: väntade " + what);
      return v;
    }
    function choice(node, key, what, choices) {
      var v = need(node, key, what).scalar;
      var ids = choices.map(function (c) { return c.id; });
      if (ids.indexOf(v) < 0) throw new FileProblem(node.lines[key], key + ": väntade " + ids.join(", ") + ", fick " + described(v));
      return v;
    }
    if (!root.map) throw new FileProblem(root.line, "det här är ingen svarsfil (namn:, typ:, matningar:)");
    knownKeys(root, ins.answer_file.keys.file, "filen");
    var name = need(root, "namn", "organisationens namn").scalar;
    if (typeof name !== "string") throw new FileProblem(root.lines.namn, "namn: väntade organisationens namn");
    var type = choice(root, "typ", "en typ", ins.types);
    checkFileFields(ins.answer_file, root, type);
    var rounds = need(root, "matningar", "en lista med mätningar");
    if (!rounds.list || rounds.list.length !== 1) {
      throw new FileProblem(rounds.line, "matningar: en självskattning har en mätning, den här filen har " + (rounds.list ? rounds.list.length : 0));
    }
    if (rounds.list[0].map) knownKeys(rounds.list[0], ins.answer_file.keys.round, "en mätning");
    var people = need(rounds.list[0], "respondenter", "en lista med svarande");
    checkDate(ins.answer_file, rounds.list[0]);
    if (!people.list || people.list.length !== 1) {
      throw new FileProblem(people.line, "respondenter: en självskattning är en persons svar, den här filen har svar från " + (people.list ? people.list.length : 0));
    }
    var person = people.list[0];
    if (person.map) knownKeys(person, ins.answer_file.keys.respondent, "en svarande");
    var role = choice(person, "roll", "en roll", ins.roles);
    var comments = { round: commentOf(rounds.list[0], "kommentar"), respondent: commentOf(person, "kommentar") };
    var svar = need(person, "svar", "svaren");
    if (!svar.map) throw new FileProblem(svar.line, "svar: väntade svaren, en 'fråga: svar' per rad");
    var answers = {};
    var count = 0;
    scorer.questions.forEach(function (q) {
      answers[q.id] = { value: null, option: null };
    });
    Object.keys(svar.map).forEach(function (qid) {
      var q = Object.prototype.hasOwnProperty.call(scorer.byId, qid) ? scorer.byId[qid] : null;
      var node = svar.map[qid];
      var line = svar.lines[qid];
      if (!q) throw new FileProblem(line, qid + ": ingen sådan fråga");
      var option = null;
      if (node.map) {
        var keys = Object.keys(node.map);
        if (!q.extra || !node.map.svar || keys.some(function (k) { return k !== "svar" && k !== q.extra; })) {
          throw new FileProblem(line, qid + ": väntade " + (q.extra ? "{svar: …, " + q.extra + ": …}" : "ett svar"));
        }
        option = node.map[q.extra] ? node.map[q.extra].scalar : null;
        if (node.map[q.extra] && !q.options.some(function (o) { return o.key === option; })) {  // ~ too, as check refuses it
          throw new FileProblem(line, qid + "." + q.extra + ": väntade " + q.options.map(function (o) { return o.key; }).join(", ") + ", fick " + described(option));
        }
        node = node.map.svar;
      }
      // A bare number stays without its option: scored with the default, and shown as assumed, never as chosen.
      answers[qid] = { value: answerValue(scorer, q, node, line), option: option };
      count++;
    });
    return { person: { role: role, name: name === DEFAULT_NAME ? "" : oneLine(name), type: type }, answers: answers, count: count, comments: comments };
  }

  // -- the page ----------------------------------------------------------------------

  var SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgEl(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs || {}).forEach(function (k) {
      node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function wrap(text, width) {
    var lines = [];
    var line = "";
    text.split(/\s+/).forEach(function (w) {
      if (line && line.length + 1 + w.length > width) {
        lines.push(line);
        line = w;
      } else {
        line = line ? line + " " + w : w;
      }
    });
    lines.push(line);
    return lines;
  }

  /**
   * The ambitionsgraf with one point, drawn once; `place` moves the point. The frame is the one
   * ambitionsgraf/charts.py draws (ins.chart, from Frame.numbers): the same size and plot area, the
   * same axis limits (the whole range the instrument can reach, with a margin), ticks, threshold
   * lines and corners for the quadrants' names, and the same transform from values to SVG points.
   * Only the fonts are the page's own.
   */
  function Graph(container, ins) {
    var f = ins.chart;
    var a = f.affine;
    var left = f.plot[0];
    var top = f.plot[1];
    var right = f.plot[2];
    var bottom = f.plot[3];
    function x(v) {
      return a[0] * v + a[1];
    }
    function y(v) {
      return a[2] * v + a[3];
    }
    this.x = x;
    this.y = y;
    this.plot = { left: left, top: top, right: right, bottom: bottom };
    var t = f.threshold;
    var svg = svgEl("svg", { viewBox: "0 0 " + f.width + " " + f.height, role: "img", "aria-labelledby": "sa-graph-title", class: "sa-graph" });
    this.title = svgEl("title", { id: "sa-graph-title" }, "Ambitionsgrafen, ännu utan punkt");
    svg.appendChild(this.title);
    svg.appendChild(svgEl("rect", { x: left, y: top, width: right - left, height: bottom - top, fill: "#ffffff", class: "sa-graph-plot" }));
    svg.appendChild(svgEl("rect", { x: x(t), y: top, width: right - x(t), height: y(t) - top, fill: "#E6F0F7" }));
    svg.appendChild(svgEl("rect", { x: left, y: y(t), width: x(t) - left, height: bottom - y(t), fill: "#F3F3F3" }));
    var dash = { stroke: "#404040", "stroke-dasharray": "4 3", class: "sa-graph-threshold" };
    svg.appendChild(svgEl("line", Object.assign({ x1: x(t), x2: x(t), y1: top, y2: bottom }, dash)));
    svg.appendChild(svgEl("line", Object.assign({ x1: left, x2: right, y1: y(t), y2: y(t) }, dash)));
    svg.appendChild(svgEl("line", { x1: left, x2: right, y1: bottom, y2: bottom, stroke: "#1a1a1a" }));
    svg.appendChild(svgEl("line", { x1: left, x2: left, y1: top, y2: bottom, stroke: "#1a1a1a" }));
    f.xticks.forEach(function (tick) {
      svg.appendChild(svgEl("line", { x1: x(tick.value), x2: x(tick.value), y1: bottom, y2: bottom + 4, stroke: "#1a1a1a", "data-axis": "verksamhet", "data-value": tick.value }));
      svg.appendChild(svgEl("text", { x: x(tick.value), y: bottom + 15, "text-anchor": "middle", class: "sa-graph-tick" }, tick.label));
    });
    f.yticks.forEach(function (tick) {
      svg.appendChild(svgEl("line", { x1: left - 4, x2: left, y1: y(tick.value), y2: y(tick.value), stroke: "#1a1a1a", "data-axis": "ledning", "data-value": tick.value }));
      svg.appendChild(svgEl("text", { x: left - 7, y: y(tick.value) + 4, "text-anchor": "end", class: "sa-graph-tick" }, tick.label));
    });
    var ends = ins.axis_ends;
    var cx = (left + right) / 2;
    svg.appendChild(svgEl("text", { x: cx, y: bottom + 30, "text-anchor": "middle", class: "sa-graph-axis" }, ins.axes.verksamhet.short + " →"));
    svg.appendChild(svgEl("text", { x: cx, y: bottom + 43, "text-anchor": "middle", class: "sa-graph-note" }, ends[0] + " – " + ends[1]));
    var cy = (top + bottom) / 2;
    svg.appendChild(svgEl("text", { x: 16, y: cy, "text-anchor": "middle", transform: "rotate(-90 16 " + cy + ")", class: "sa-graph-axis" }, ins.axes.ledning.short + " →"));
    svg.appendChild(svgEl("text", { x: 30, y: cy, "text-anchor": "middle", transform: "rotate(-90 30 " + cy + ")", class: "sa-graph-note" }, ends[0] + " – " + ends[1]));
    // Each quadrant's name in its corner of the plot area, corner_inset inside it, as in the Python chart.
    var inset = f.corner_inset;
    ins.quadrants.forEach(function (q) {
      var onRight = q.verksamhet;
      var upper = q.ledning;
      var lines = wrap(q.label, f.quadrant_wrap);
      var fs = f.font, step = fs + 2;  // the text's size (site.css draws the chart's text at it) and line spacing
      var tx = onRight ? right - inset : left + inset;
      var ty = upper ? top + inset + 0.8 * fs : bottom - inset - 0.3 * fs - (lines.length - 1) * step; // 0,8 em above its baseline, 0,3 below
      var text = svgEl("text", { x: tx, y: ty, "text-anchor": onRight ? "end" : "start", class: "sa-graph-quadrant", "data-quadrant": q.id });
      lines.forEach(function (line, i) {
        text.appendChild(svgEl("tspan", { x: tx, dy: i ? step : 0 }, line));
      });
      svg.appendChild(text);
    });
    this.point = svgEl("g", { visibility: "hidden" });
    this.circle = svgEl("circle", { r: 7, fill: "#000000", stroke: "#ffffff", "stroke-width": 2 });
    // A white halo, as the Python chart's labels have, keeps "Du" readable over a quadrant's name.
    this.label = svgEl("text", { class: "sa-graph-point", stroke: "#ffffff", "stroke-width": 3, "stroke-opacity": 0.85, "paint-order": "stroke" }, "Du");
    this.point.appendChild(this.circle);
    this.point.appendChild(this.label);
    svg.appendChild(this.point);
    container.appendChild(svg);
  }

  Graph.prototype.place = function (verksamhet, ledning, description) {
    this.title.textContent = description;
    if (verksamhet === null || ledning === null) {
      this.point.setAttribute("visibility", "hidden");
      return;
    }
    // No clamping: the axes span every value the instrument can give.
    var px = this.x(verksamhet.n / verksamhet.d);
    var py = this.y(ledning.n / ledning.d);
    this.circle.setAttribute("cx", px);
    this.circle.setAttribute("cy", py);
    // "Du" above and to the right of the point, or where it stays inside the plot area
    // (the label is about 17 wide and 9 high in 12px bold; 11 and 8 keep it clear of the circle).
    var labelLeft = px + 11 + 20 > this.plot.right;
    var below = py - 8 - 12 < this.plot.top;
    this.label.setAttribute("x", labelLeft ? px - 11 : px + 11);
    this.label.setAttribute("y", below ? py + 20 : py - 8);
    this.label.setAttribute("text-anchor", labelLeft ? "end" : "start");
    this.point.setAttribute("visibility", "visible");
  };

  function Page(root, ins) {
    this.root = root;
    this.ins = ins;
    this.scorer = new Scorer(ins);
    this.base = root.getAttribute("data-root") || "";
    this.form = document.getElementById("sa-form");
    this.status = document.getElementById("sa-status");
    this.error = document.getElementById("sa-error");
    this.labels = {};
    var self = this;
    ins.statuses.forEach(function (s) {
      self.labels[s.id] = s.label;
    });
    this.graph = new Graph(document.getElementById("sa-graph"), ins);
    this.timer = null;
    this.stored = document.getElementById("sa-stored");
    this.form.addEventListener("change", function () {
      self.clearError();
      self.save();  // first: the print header says whether the answers are kept
      self.render();
    });
    document.getElementById("sa-namn").addEventListener("input", function () {
      self.save();
      self.render();
    });
    var picker = document.getElementById("sa-open");
    document.getElementById("sa-open-button").addEventListener("click", function () {
      picker.value = "";
      picker.click();
    });
    picker.addEventListener("change", function () {
      if (picker.files && picker.files[0]) self.open(picker.files[0]);
    });
    document.getElementById("sa-download").addEventListener("click", function () {
      self.download();
    });
    document.getElementById("sa-print").addEventListener("click", function () {
      self.render(true);
      window.print();
    });
    document.getElementById("sa-reset").addEventListener("click", function () {
      if (window.confirm("Vill du rensa alla svar? De glöms också i den här webbläsaren.")) self.reset();
    });
    window.addEventListener("beforeprint", function () {
      self.render(true);
    });
    document.getElementById("sa-details").hidden = false;
    document.getElementById("sa-actions").hidden = false;
    document.getElementById("sa-keep").hidden = false;
    var kept = this.load();
    this.kept = !!kept;  // what the print header says is kept in this browser
    this.keepComments(null);
    if (kept) {
      this.fill(kept);
      this.keepComments(kept.comments);
      this.note("Dina tidigare svar är återställda från den här webbläsaren.");
    }
    this.render(true);
  }

  // -- the browser's own storage: the answers survive a reload, until "Rensa" ----------------------

  var STORAGE_KEY = "ambitionsgraf-sjalvskattning";

  Page.prototype.storage = function () {
    try {
      return window.localStorage; // null or throwing where the browser keeps nothing (some private modes)
    } catch (e) {
      return null;
    }
  };

  Page.prototype.save = function () {
    var store = this.storage();
    if (!store) return;
    var state = this.read();
    var any = state.person.role || state.person.name || state.person.type || this.comments.round !== null || this.comments.respondent !== null || Object.keys(state.answers).some(function (k) {
      return state.answers[k].value;
    });
    try {
      if (any) store.setItem(STORAGE_KEY, JSON.stringify({ version: 1, person: state.person, answers: state.answers, comments: this.comments }));
      else store.removeItem(STORAGE_KEY);
      this.kept = !!any;
    } catch (e) {
      this.kept = false;
      this.note("Svaren kunde inte sparas i webbläsaren. Ladda ner svarsfilen om du vill behålla dem.");
    }
  };

  /** What an earlier visit kept, checked against the form: anything unknown is left out. */
  Page.prototype.load = function () {
    var store = this.storage();
    var text = null;
    try {
      text = store ? store.getItem(STORAGE_KEY) : null;
    } catch (e) {
      return null;
    }
    if (!text) return null;
    try {
      var kept = JSON.parse(text);
      return kept && kept.version === 1 && kept.person && kept.answers ? kept : null;
    } catch (e) {
      return null;
    }
  };

  Page.prototype.forget = function () {
    var store = this.storage();
    try {
      if (store) store.removeItem(STORAGE_KEY);
    } catch (e) {
      // nothing kept, nothing to forget
    }
  };

  /** Put a person's answers into the form, as if clicked: {person: {role, name, type}, answers: {qid: {value, option}}}. */
  Page.prototype.fill = function (state) {
    var form = this.form;
    function check(name, value) {
      Array.prototype.forEach.call(form.querySelectorAll('input[type=radio][name="' + name + '"]'), function (r) {
        r.checked = value !== null && value !== undefined && r.value === String(value);
      });
    }
    var person = state.person || {};
    check("sa_roll", person.role);
    document.getElementById("sa-namn").value = typeof person.name === "string" ? person.name : "";
    var typ = document.getElementById("sa-typ");
    typ.value = person.type || "";
    if (typ.value !== (person.type || "")) typ.value = "";
    this.scorer.questions.forEach(function (q) {
      var a = (state.answers || {})[q.id] || {};
      check(q.id, a.value);
      if (q.extra) {
        var select = document.getElementById(q.id + "_" + q.extra);
        select.value = a.option || "";
        if (select.value !== (a.option || "")) select.value = "";
      }
    });
  };

  /** The comments of the file opened last ({round, respondent}, each a text or null): written back on download, and said so. */
  Page.prototype.keepComments = function (comments) {
    var c = comments || {};
    this.comments = { round: typeof c.round === "string" ? c.round : null, respondent: typeof c.respondent === "string" ? c.respondent : null };
    var shown = [this.comments.round, this.comments.respondent].filter(function (t) { return t !== null; });
    document.getElementById("sa-comments").textContent = shown.length
      ? "Filens " + (shown.length > 1 ? "kommentarer behålls" : "kommentar behålls") + " i svarsfilen du laddar ner: " + shown.map(function (t) { return "”" + oneLine(t) + "”"; }).join(" och ") + "."
      : "";
  };

  Page.prototype.note = function (text) {
    this.stored.textContent = text;
  };

  Page.prototype.open = function (file) {
    var self = this;
    var problem = document.getElementById("sa-open-error");
    var failed = function (why) {
      problem.textContent = "Filen " + file.name + " kunde inte läsas: " + why;
      self.note("");
    };
    problem.textContent = "";
    if (file.size > 200000) {
      failed("den är större än en svarsfil blir.");
      return;
    }
    file.text().then(function (text) {
      var read;
      try {
        read = readAnswerFile(self.scorer, text);
      } catch (e) {
        if (!(e instanceof FileProblem)) throw e;
        failed("rad " + e.line + ": " + e.message + ".");
        return;
      }
      self.clearError();
      self.fill(read);
      self.keepComments(read.comments);
      self.save(); // first: the print header says whether the answers are kept
      self.render(true);
      self.note("Svaren från " + file.name + " är inlästa. " + self.progress);  // counted as the page counts them
    }, function () {
      failed("webbläsaren kunde inte öppna den.");
    });
  };

  /** The person and their answers as the form holds them now. */
  Page.prototype.read = function () {
    var answers = {};
    var form = this.form;
    this.scorer.questions.forEach(function (q) {
      var checked = form.querySelector('input[name="' + q.id + '"]:checked');
      var entry = { value: checked ? checked.value : null, option: null };
      if (q.extra) {
        var select = document.getElementById(q.id + "_" + q.extra);
        entry.option = select && select.value ? select.value : null;
      }
      answers[q.id] = entry;
    });
    var role = form.querySelector('input[name="sa_roll"]:checked');
    return {
      person: {
        role: role ? role.value : null,
        name: document.getElementById("sa-namn").value.trim(),
        type: document.getElementById("sa-typ").value || null,
      },
      answers: answers,
    };
  };

  Page.prototype.answerLabel = function (q, entry) {
    if (!entry.value) return "Inte besvarad";
    var input = this.form.querySelector('input[name="' + q.id + '"][value="' + entry.value + '"]');
    var label = input ? input.parentNode.textContent.trim() : entry.value;
    if (q.extra && entry.option && entry.value !== this.ins.dont_know.key) {
      var option = q.options.filter(function (o) {
        return o.key === entry.option;
      })[0];
      if (option) label += ", " + option.label;
    } else if (q.extra && q.default_option && entry.value !== this.ins.dont_know.key) {
      var assumed = q.options.filter(function (o) {
        return o.key === q.default_option;
      })[0];
      if (assumed) label += " (antagen: " + assumed.short + ")";
    }
    return label;
  };

  Page.prototype.render = function (announceNow) {
    var self = this;
    var ins = this.ins;
    var state = this.read();
    var result = this.scorer.assessment([{ role: state.person.role || "", answers: state.answers }]);
    var overall = result.overall;
    this.last = { state: state, result: result };

    var answered = 0;  // "Vet ej" is no answer here, as in the scoring: the page says so once
    var dontKnow = 0;
    ins.areas.forEach(function (area) {
      area.questions.forEach(function (q) {
        dontKnow += result.questions[q.id].dont_know ? 1 : 0;
      });
      var n = area.questions.filter(function (q) {
        return result.questions[q.id].answered;
      }).length;
      answered += n;
      var cell = document.getElementById("sa-area-" + area.id);
      cell.textContent = self.scorer.shown(overall.areas[area.id], ins.bounds.areas[area.id]);
      cell.setAttribute("data-exact", overall.areas[area.id] ? overall.areas[area.id].n + "/" + overall.areas[area.id].d : "");
      document.getElementById("sa-area-" + area.id + "-answered").textContent = n + " av " + area.questions.length;
    });
    var ends = ins.axis_ends;
    var axisValues = [];  // "samspel med ledningen 2,8", in the instrument's order of the axes
    this.scorer.axes.forEach(function (axis) {
      var value = overall.axes[axis];
      var node = document.getElementById("sa-axis-" + axis);
      node.textContent = self.scorer.shown(value, ins.bounds.axis);
      node.setAttribute("data-exact", value ? value.n + "/" + value.d : "");
      var level = document.getElementById("sa-axis-" + axis + "-level");
      level.hidden = value === null;
      level.textContent = value === null ? "" : (self.scorer.systematic(value) ? ends[1] : ends[0]).toLowerCase();
      axisValues.push(ins.axes[axis].short.toLowerCase() + " " + node.textContent);
    });
    var quadrant = overall.quadrant ? this.scorer.quadrantLabel(result) : null;
    var quadrantNode = document.getElementById("sa-quadrant");
    quadrantNode.textContent = quadrant || "Ingen punkt ännu";
    quadrantNode.setAttribute("data-quadrant", overall.quadrant || "");

    var summary;
    var total = this.scorer.questions.length;
    var progress = "Besvarade frågor: " + answered + " av " + total + (dontKnow ? " (" + dontKnow + " Vet ej, som räknas som obesvarad" + (dontKnow === 1 ? "" : "e") + ")" : "") + ".";
    this.progress = progress;
    if (!answered) {
      summary = "Du har inte besvarat några frågor ännu. Resultatet visas här medan du svarar.";
    } else if (quadrant) {
      var values = axisValues.join(", ");
      summary = progress + " " + values.charAt(0).toUpperCase() + values.slice(1) + ": " + quadrant + ".";
    } else {
      var waiting = ins.areas
        .filter(function (a) {
          return overall.areas[a.id] === null;
        })
        .map(function (a) {
          return a.number + ". " + a.label;
        });
      summary = progress + " Punkten visas när alla frågor i " + (waiting.length > 1 ? "områdena " : "området ") + listText(waiting) + " är besvarade.";
    }
    this.graph.place(
      overall.axes.verksamhet,
      overall.axes.ledning,
      quadrant
        ? "Ambitionsgrafen med din punkt: " + axisValues.join(", ") + ", i kvadranten " + quadrant + "."
        : "Ambitionsgrafen, ännu utan punkt."
    );

    // Steps and priorities
    ins.steps.forEach(function (step) {
      var li = document.getElementById("sa-step-" + step.id);
      var status = result.steps[step.id];
      var badge = li.querySelector("[data-status]");
      badge.textContent = status ? self.labels[status] : "Underlag saknas";
      badge.className = "status" + (status ? " status-" + status : "");
      badge.setAttribute("data-status", status || "");
      li.querySelector("[data-suggestion]").textContent = status ? step.suggestions[status] : "Besvara frågorna för steget så visas ett förslag.";
    });
    var list = document.getElementById("sa-priorities");
    list.textContent = "";
    result.priorities.forEach(function (id) {
      var step = ins.steps.filter(function (s) {
        return s.id === id;
      })[0];
      var status = result.steps[id];
      var li = el("li", { "data-step": id });
      var strong = el("strong");
      strong.appendChild(el("a", { href: self.base + step.url }, step.label));
      li.appendChild(strong);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", { class: "status status-" + status }, self.labels[status]));
      li.appendChild(el("br"));
      li.appendChild(document.createTextNode(step.suggestions[status]));
      list.appendChild(li);
    });
    var empty = document.getElementById("sa-priorities-empty");
    var anyStatus = Object.keys(result.steps).some(function (k) {
      return result.steps[k] !== null;
    });
    empty.hidden = result.priorities.length > 0;
    empty.textContent = anyStatus
      ? "Alla steg du har svarat för är på plats. Förslagen per steg nedan visar hur ni kan nå nästa nivå."
      : "Besvara frågorna så visas upp till tre steg att ta itu med först.";

    // The printed report: who, when, and the answers
    this.scorer.questions.forEach(function (q) {
      var cell = self.root.querySelector('[data-answer="' + q.id + '"]');
      cell.textContent = self.answerLabel(q, state.answers[q.id]);
    });
    var role = ins.roles.filter(function (r) {
      return r.id === state.person.role;
    })[0];
    var who = [];
    if (role) who.push(role.label);
    if (state.person.name) who.push(state.person.name);
    document.getElementById("sa-print-meta").textContent =
      "Självskattning " + swedishDate(new Date()) + (who.length ? " – " + who.join(", ") : "") +
      ". En persons svar. Inget av det har skickats någonstans: " +
      (this.kept ? "svaren finns bara kvar i den här webbläsarens eget minne på den här datorn, tills någon trycker på Rensa."
                   : "svaren finns bara på den här sidan, och inte kvar i webbläsaren.");

    // The live summary is announced once the person pauses, not on every arrow key.
    var statusNode = this.status;
    window.clearTimeout(this.timer);
    if (announceNow === true) {
      statusNode.textContent = summary;
    } else {
      this.timer = window.setTimeout(function () {
        statusNode.textContent = summary;
      }, 500);
    }
    this.summary = summary;
  };

  Page.prototype.clearError = function () {
    this.error.textContent = "";
  };

  Page.prototype.download = function () {
    var state = this.read();
    var missing = [];
    if (!state.person.role) missing.push("din roll");
    if (!state.person.type) missing.push("typ av organisation");
    var given = this.scorer.questions.filter(function (q) {
      return state.answers[q.id] && state.answers[q.id].value;
    });
    if (!missing.length && !given.length) {  // `check` refuses a respondent without answers: so does the page
      this.error.textContent = "Besvara minst en fråga (Vet ej räknas) innan du laddar ner svarsfilen.";
      this.form.querySelector('input[type="radio"]:not([name="sa_roll"])').focus();
      return;
    }
    if (missing.length) {
      this.error.textContent = "Välj " + listText(missing) + " under Om dig innan du laddar ner svarsfilen.";
      var target = !state.person.role ? this.form.querySelector('input[name="sa_roll"]') : document.getElementById("sa-typ");
      target.focus();
      return;
    }
    this.clearError();
    var text = answerFile(this.scorer, state.person, state.answers, isoDate(new Date()), this.comments);
    var blob = new Blob([text], { type: "application/yaml;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var link = el("a", { href: url, download: slugFor(orgName(state.person)) + ".yaml" });
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    window.setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 1000);
  };

  Page.prototype.reset = function () {
    Array.prototype.forEach.call(this.root.querySelectorAll("input[type=radio]"), function (r) {
      r.checked = false;
    });
    Array.prototype.forEach.call(this.root.querySelectorAll("select"), function (s) {
      Array.prototype.forEach.call(s.options, function (o) {
        o.selected = o.defaultSelected;
      });
      if (!Array.prototype.some.call(s.options, function (o) { return o.defaultSelected; })) s.selectedIndex = 0;
    });
    document.getElementById("sa-namn").value = "";
    this.keepComments(null);
    this.forget();
    this.clearError();
    this.note("Svaren är rensade och glömda i den här webbläsaren.");
    this.render(true);
    var first = this.form.querySelector('input[name="sa_roll"]');
    if (first) first.focus();
  };

  var MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"];

  function swedishDate(d) {
    return d.getDate() + " " + MONTHS[d.getMonth()] + " " + d.getFullYear();
  }

  function listText(items) {
    if (items.length < 2) return items.join("");
    return items.slice(0, -1).join(", ") + " och " + items[items.length - 1];
  }

  // -- start --------------------------------------------------------------------------

  var data = document.getElementById("sa-instrument");
  var root = document.getElementById("sa");
  if (!data || !root) return;
  var ins = JSON.parse(data.textContent);
  var scorer = new Scorer(ins);
  var page = new Page(root, ins);

  // For tests and the curious: the same scoring, callable on any respondents.
  window.Sjalvskattning = {
    score: function (respondents) {
      return plain(scorer.assessment(respondents), scorer);
    },
    num: function (n, d) {
      return num(frac(n, d), ins.decimals);
    },
    shown: function (n, d, bounds) {
      return scorer.shown(frac(n, d), bounds);
    },
    current: function () {
      page.render(true);
      return { person: page.last.state.person, answers: page.last.state.answers, result: plain(page.last.result, scorer), summary: page.summary };
    },
    answerFile: function (today) {
      var state = page.read();
      return answerFile(scorer, state.person, state.answers, today || isoDate(new Date()), page.comments);
    },
    readAnswerFile: function (text) {
      try {
        return readAnswerFile(scorer, text);
      } catch (e) {
        if (e instanceof FileProblem) return { problem: { line: e.line, message: e.message } };
        throw e;
      }
    },
  };
})();
