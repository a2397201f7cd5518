// Rows of a settings formset moved by dragging their handle: the position fields follow the
// order on screen. Without JavaScript the positions are typed, with the same result.
(function () {
  "use strict";
  document.querySelectorAll("[data-reorder-rows]").forEach(function (list) {
    if (typeof Sortable === "undefined") return;
    Sortable.create(list, {
      handle: ".drag-handle",
      draggable: "[data-row]",
      animation: 150,
      forceFallback: true, // mouse events rather than HTML5 drag and drop, as on the drafting page
      onEnd: function () {
        list.querySelectorAll("[data-row]").forEach(function (row, index) {
          var position = row.querySelector("input[name$='-ORDER']");
          if (!position) return;
          // An empty new row stays empty, or the form would take it for a row to save.
          var typed = Array.prototype.some.call(
            row.querySelectorAll("input[type=text], textarea"),
            function (field) { return field.value.trim() !== ""; }
          );
          if (position.value !== "" || typed) position.value = index + 1;
        });
      },
    });
  });
})();
