// Instructors see a link to their pages (the pages themselves check the account at every request: this is
// only a shortcut). The chat is a single-page app (logging in does not reload it): ask again when its path changes.
(() => {
  let asked = null;
  const check = async () => {
    if (asked === location.pathname || document.getElementById("instructors-link")) return;
    asked = location.pathname;
    try {
      const response = await fetch("/user", { credentials: "same-origin" });
      if (!response.ok || document.getElementById("instructors-link")) return;
      const user = await response.json();
      if (!user || !user.metadata || user.metadata.role !== "instructor") return;
      const link = document.createElement("a");
      link.href = "/instructors";
      link.id = "instructors-link";
      // The browser's language, as the chat and the instructors' pages choose theirs (Chainlit's page always
      // says lang="en"): French first, English for an English browser.
      link.textContent = (navigator.language || "fr").toLowerCase().startsWith("en") ? "Instructors" : "Espace formateurs";
      link.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:1000;padding:.4rem .9rem;" +
        "border-radius:99px;background:#3b5bdb;color:#fff;font:600 14px system-ui,sans-serif;" +
        "text-decoration:none;box-shadow:0 2px 6px #0003";
      document.body.appendChild(link);
    } catch (error) { /* no link: the chat works without it */ }
  };
  check();
  setInterval(check, 1000);
})();
