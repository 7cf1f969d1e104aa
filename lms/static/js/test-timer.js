/* The test page's countdown: only an enhancement of the time the server wrote on the page
   (which also enforces the limit). Counts down from the seconds the server gave, in Khmer
   digits on Khmer pages; at zero it sends the page, so that its answers are saved in time. */
(function () {
  "use strict";
  var box = document.querySelector(".timer[data-seconds]");
  var form = document.getElementById("test-form");
  if (!box || !form) { return; }
  var shown = box.querySelector(".timer-left");
  var end = Date.now() + parseInt(box.getAttribute("data-seconds"), 10) * 1000;
  var khmer = document.documentElement.lang === "km";
  var sent = false;
  function digits(text) {
    return khmer ? text.replace(/[0-9]/g, function (d) { return "០១២៣៤៥៦៧៨៩"[d]; }) : text;
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var hours = Math.floor(left / 3600);
    var rest = pad(Math.floor((left % 3600) / 60)) + ":" + pad(left % 60);
    shown.textContent = digits(hours ? hours + ":" + rest : rest);
    if (left <= 300) { box.classList.add("timer-low"); }
    if (left === 0 && !sent) {
      sent = true;
      var page = form.querySelector("input[name=page]");
      var go = document.createElement("input");
      go.type = "hidden"; go.name = "go"; go.value = page ? page.value : "1";
      form.appendChild(go);
      form.submit();
      return;
    }
    window.setTimeout(tick, 1000 - (Date.now() % 1000));
  }
  tick();
}());
