// Progressive enhancement only: every form works without this file.
// With it, an upload shows the pages read of each file while the server reads them, then opens the result.
(function () {
  "use strict";

  var POLL_MS = 500;

  function byId(id) { return document.getElementById(id); }

  function describe(file) {
    if (file.state === "read") { return file.name + ": read"; }
    if (file.pages) { return file.name + ": page " + file.pages_done + " of " + file.pages + " read"; }
    return file.name + ": waiting";
  }

  function show(progress) {
    var list = byId("progress-files");
    var status = byId("progress-status");
    if (!list || !status) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var done = 0;
    progress.files.forEach(function (file) {
      var item = document.createElement("li");
      var words = document.createElement("span");
      words.textContent = describe(file);
      item.appendChild(words);
      var bar = document.createElement("progress");
      bar.max = file.pages || 1;
      bar.value = file.state === "read" ? bar.max : file.pages_done;
      bar.setAttribute("aria-hidden", "true");
      item.appendChild(bar);
      list.appendChild(item);
      if (file.state === "read") { done += 1; }
    });
    status.textContent = progress.finished
      ? "All files read. Opening the result…"
      : done + " of " + progress.files.length + " files read.";
  }

  function poll(progressUrl, resultUrl) {
    fetch(progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (progress) {
        show(progress);
        if (progress.finished) {
          window.location.assign(resultUrl);
        } else {
          window.setTimeout(function () { poll(progressUrl, resultUrl); }, POLL_MS);
        }
      })
      .catch(function () {
        var status = byId("progress-status");
        if (status) { status.textContent = "Lost touch with the server. The files may still be read: check the plans page."; }
      });
  }

  function messageOf(response) {
    return response.text().then(function (text) {
      var type = response.headers.get("content-type") || "";
      if (type.indexOf("text/html") === 0) {
        var page = new DOMParser().parseFromString(text, "text/html");
        var found = page.querySelector(".error-summary p, main .lead");
        return found ? found.textContent : "The upload was refused (" + response.status + ").";
      }
      return text || "The upload was refused (" + response.status + ").";
    });
  }

  function enhanceUpload(form) {
    var panel = byId("upload-progress");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) { return; }
      event.preventDefault();
      var body = new FormData(form);
      button.disabled = true;
      panel.hidden = false;
      byId("progress-status").textContent = "Sending the files…";
      fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        if (response.status === 202) {
          return response.json().then(function (job) { poll(job.progress, job.result); });
        }
        return messageOf(response).then(function (message) {
          byId("progress-status").textContent = message;
          button.disabled = false;
        });
      }).catch(function () {
        byId("progress-status").textContent = "The files could not be sent. Check the server is running and try again.";
        button.disabled = false;
      });
    });
  }

  function enhanceDropZones() {
    Array.prototype.forEach.call(document.querySelectorAll(".drop-zone"), function (zone) {
      var input = zone.querySelector("input[type=file]");
      if (!input) { return; }
      zone.addEventListener("dragover", function (event) { event.preventDefault(); zone.classList.add("dragging"); });
      zone.addEventListener("dragleave", function () { zone.classList.remove("dragging"); });
      zone.addEventListener("drop", function (event) {
        event.preventDefault();
        zone.classList.remove("dragging");
        if (event.dataTransfer && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = byId("upload-form");
    if (form) { enhanceUpload(form); }
    enhanceDropZones();
    var waiting = byId("upload-progress");
    if (waiting && waiting.dataset.progress) { poll(waiting.dataset.progress, waiting.dataset.result); }
  });
})();
