// briefing serve: small improvements over pages that work without script.
// Upload: drop files onto the box (they go into the form's own file input), see what was chosen.
// Jobs: the progress bar moves without reloading the page (polls the job's JSON).
"use strict";

function chooseFiles() {
  const input = document.getElementById("reports");
  const drop = document.getElementById("drop");
  const list = document.getElementById("chosen");
  const form = document.getElementById("upload-form");
  if (!input || !drop || !list || !form) return;
  const show = () => {
    list.textContent = "";
    for (const file of input.files) {
      const item = document.createElement("li");
      item.textContent = file.name + "（" + Math.max(1, Math.round(file.size / 1024)) + " KB）";
      list.appendChild(item);
    }
  };
  input.addEventListener("change", show);
  for (const name of ["dragenter", "dragover"]) {
    drop.addEventListener(name, (event) => { event.preventDefault(); drop.classList.add("over"); });
  }
  for (const name of ["dragleave", "drop"]) {
    drop.addEventListener(name, () => drop.classList.remove("over"));
  }
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      show();
    }
  });
  form.addEventListener("submit", () => {
    const status = document.getElementById("upload-status");
    if (status) status.textContent = "正在上传并检查，请稍候……";
    for (const button of form.querySelectorAll("button")) button.disabled = true;
  });
}

function followJob() {
  const box = document.querySelector(".job[data-state='running']");
  if (!box) return;
  const label = document.getElementById("job-label");
  const bar = document.getElementById("job-progress");
  const url = "/jobs/" + encodeURIComponent(box.dataset.jobId) + "/progress";
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { "Accept": "application/json" } });
      const job = await response.json();
      if (job.state !== "running") { window.location.reload(); return; }
      label.textContent = job.label + (job.total ? "（" + job.done + "/" + job.total + "）" : "");
      if (job.total) { bar.max = job.total; bar.value = job.done; }
    } catch (error) {
      label.textContent = "无法取得进度，稍后自动重试……";
    }
    window.setTimeout(poll, 700);
  };
  window.setTimeout(poll, 300);
}

function busyForms() {
  for (const form of document.querySelectorAll("form[data-job]")) {
    form.addEventListener("submit", () => {
      for (const button of form.querySelectorAll("button")) button.disabled = true;
    });
  }
}

document.addEventListener("DOMContentLoaded", () => { chooseFiles(); followJob(); busyForms(); });
