// Instructors see a link to their pages; everybody else gets 403 from /instructors/api/me and sees nothing.
(async () => {
  try {
    const response = await fetch("/instructors/api/me", { credentials: "same-origin" });
    if (!response.ok) return;
    const link = document.createElement("a");
    link.href = "/instructors";
    link.id = "instructors-link";
    link.textContent = document.documentElement.lang.startsWith("en") ? "Instructors" : "Espace formateurs";
    link.style.cssText = "position:fixed;right:1rem;bottom:1rem;z-index:1000;padding:.4rem .9rem;border-radius:99px;" +
      "background:#3b5bdb;color:#fff;font:600 14px system-ui,sans-serif;text-decoration:none;box-shadow:0 2px 6px #0003";
    document.body.appendChild(link);
  } catch (error) { /* no link: the chat works without it */ }
})();
