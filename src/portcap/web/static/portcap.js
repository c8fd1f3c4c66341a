// portcap dashboard: progress of background runs, and choices that apply at once.
"use strict";

function poll(jobId, onUpdate) {
  fetch("/api/jobs/" + encodeURIComponent(jobId), { cache: "no-store" })
    .then((response) => response.json())
    .then((job) => {
      onUpdate(job);
      if (job.status === "queued" || job.status === "running") {
        setTimeout(() => poll(jobId, onUpdate), 700);
      }
    })
    .catch(() => setTimeout(() => poll(jobId, onUpdate), 2000));
}

document.addEventListener("DOMContentLoaded", () => {
  // the page of one job: progress, then on to its results
  const box = document.getElementById("job");
  if (box) {
    poll(box.dataset.job, (job) => {
      document.getElementById("job-progress").value = job.fraction;
      document.getElementById("job-status").textContent = job.status;
      document.getElementById("job-count").textContent = job.done + "/" + job.total;
      if (job.status === "failed") {
        const error = document.getElementById("job-error");
        error.textContent = "The run failed: " + job.error;
        error.hidden = false;
      } else if (job.status === "done") {
        document.getElementById("job-done").hidden = false;
        window.location.assign(job.next_url);
      }
    });
  }
  // progress bars of jobs shown on other pages; reload when a waited-for run is done
  document.querySelectorAll("[data-job]").forEach((element) => {
    if (element.id === "job") return;
    const bar = element.tagName === "PROGRESS" ? element : element.querySelector("progress");
    const status = element.querySelector ? element.querySelector(".status") : null;
    poll(element.dataset.job, (job) => {
      if (bar) bar.value = job.fraction;
      if (status) status.textContent = job.status;
      if (job.status === "done" && element.dataset.reload) window.location.reload();
    });
  });
  // choices that apply at once
  document.querySelectorAll("select.auto").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
  const base = document.querySelector("select.reload-base");
  if (base) {
    base.addEventListener("change", () => {
      window.location.assign("/editor?base=" + encodeURIComponent(base.value));
    });
  }
});
