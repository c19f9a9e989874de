/*
 * The company portal's application form, made nicer with JavaScript; everything works without it
 * (the server decides which questions count and checks every answer).
 *
 * - Conditional questions: a field whose widget has data-show-if="<other field name>" and
 *   data-show-if-values='["yes"]' is shown only while that other field has one of those values
 *   (any overlap for check boxes), and only while the other field is itself shown. A hidden
 *   question keeps what was typed in it; the server ignores it while it stays hidden.
 * - Unsaved changes: leaving the page after typing without saving asks first.
 * - Errors: the error summary takes the focus, so a screen reader announces it.
 * - Remove buttons whose form has data-confirm ask for confirmation.
 */
(function () {
  "use strict";

  function container(element) {
    return element.closest(".portal-question") || element.closest("[id^='div_id_']") || element.closest(".mb-3");
  }

  function isShown(element) {
    var box = container(element);
    return !box || !box.hidden;
  }

  function valuesOf(form, name) {
    var values = [];
    form.querySelectorAll("[name='" + CSS.escape(name) + "']").forEach(function (input) {
      if (!isShown(input)) {
        return;
      }
      if (input.type === "checkbox" || input.type === "radio") {
        if (input.checked) {
          values.push(input.value);
        }
      } else if (input.tagName === "SELECT" && input.multiple) {
        Array.prototype.forEach.call(input.selectedOptions, function (option) {
          values.push(option.value);
        });
      } else if (input.value !== "") {
        values.push(input.value);
      }
    });
    return values;
  }

  function dependents(form) {
    // One entry per conditional question (radio and check box groups carry the attribute on each input).
    var seen = new Map();
    form.querySelectorAll("[data-show-if]").forEach(function (element) {
      var box = container(element);
      if (box && !seen.has(box)) {
        var wanted = [];
        try {
          wanted = JSON.parse(element.getAttribute("data-show-if-values") || "[]").map(String);
        } catch (error) {
          wanted = [];
        }
        seen.set(box, { box: box, controller: element.getAttribute("data-show-if"), wanted: wanted });
      }
    });
    return Array.from(seen.values());
  }

  function applyConditions(form, rules) {
    // Repeat so that a chain (C depends on B, which depends on A) settles whatever the order.
    for (var pass = 0; pass < rules.length + 1; pass += 1) {
      var changed = false;
      rules.forEach(function (rule) {
        var current = valuesOf(form, rule.controller);
        var show = current.some(function (value) {
          return rule.wanted.indexOf(value) !== -1;
        });
        if (rule.box.hidden === show) {
          rule.box.hidden = !show;
          rule.box.setAttribute("aria-hidden", show ? "false" : "true");
          changed = true;
        }
      });
      if (!changed) {
        break;
      }
    }
  }

  function watchChanges(form) {
    var dirty = false;
    form.addEventListener("input", function () {
      dirty = true;
    });
    form.addEventListener("change", function () {
      dirty = true;
    });
    form.addEventListener("submit", function () {
      dirty = false;
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    return {
      isDirty: function () {
        return dirty;
      },
      clear: function () {
        dirty = false;
      },
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }

    document.querySelectorAll("form[data-portal-form]").forEach(function (form) {
      var rules = dependents(form);
      if (rules.length) {
        applyConditions(form, rules);
        form.addEventListener("change", function () {
          applyConditions(form, rules);
        });
        form.addEventListener("input", function () {
          applyConditions(form, rules);
        });
      }
      var changes = watchChanges(form);
      // The remove buttons submit their own small forms: answers typed but not saved would be lost.
      document.querySelectorAll("form[data-confirm]").forEach(function (confirmForm) {
        confirmForm.addEventListener("submit", function (event) {
          var question = confirmForm.getAttribute("data-confirm");
          if (changes.isDirty()) {
            question += "\n" + (form.getAttribute("data-unsaved-warning") || "");
          }
          if (window.confirm(question)) {
            changes.clear();
          } else {
            event.preventDefault();
          }
        });
      });
    });
  });
})();
