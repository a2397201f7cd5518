// New meeting: suggest the chosen committee's next meeting number.
(function () {
  "use strict";
  const form = document.getElementById("meeting-create-form");
  if (!form) return;
  const numbers = JSON.parse(form.dataset.nextNumbers || "{}");
  const committee = form.querySelector("[name=committee]");
  const number = form.querySelector("[name=number]");
  let suggested = number.value;
  committee.addEventListener("change", function () {
    const next = numbers[committee.value];
    // Only replace a number the user has not typed themselves.
    if (next && (number.value === "" || number.value === String(suggested))) {
      number.value = next;
      suggested = next;
    }
  });
})();
