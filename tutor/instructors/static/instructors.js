// The instructors' pages work without this script: it confirms deletions and animates a job's progress bar.
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => { if (!window.confirm(form.dataset.confirm)) event.preventDefault(); });
});

const job = document.getElementById("job");
if (job && job.dataset.state === "running") {
  const bar = document.getElementById("job-progress");
  const poll = async () => {
    const response = await fetch(`/instructors/api/jobs/${job.dataset.job}`, { credentials: "same-origin" });
    if (!response.ok) return;
    const state = await response.json();
    bar.max = state.total || 1;
    bar.value = state.state === "running" ? state.done : bar.max;
    if (state.state === "running") { setTimeout(poll, 400); return; }
    window.location.reload();  // the page says how it went, in its language
  };
  poll();
}
