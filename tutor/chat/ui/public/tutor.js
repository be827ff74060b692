// Chainlit loads one custom script: this one loads the tutor's own, each with one job.
//   limits.js            stops a message over the length limit in the browser, with a note
//   instructors-link.js  shows instructors a link to their pages
for (const name of ["limits.js", "instructors-link.js"]) {
  const script = document.createElement("script");
  script.src = "/public/" + name;
  document.head.appendChild(script);
}
