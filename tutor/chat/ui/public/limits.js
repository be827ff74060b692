// A message longer than the tutor accepts is stopped in the browser, with a note saying what to do, before it
// is sent. The server refuses such messages too, and says why (tutor/chat/socket_guard.py); this note also
// covers huge pastes that would go over the socket's 1 MB frame limit and close the connection before any
// reply could come. Limits: tutor.engine.input.MAX_QUESTION_CHARS, tutor.chat.throttle.COMMAND_ROOM.
(() => {
  const LIMIT = 2000;
  const COMMAND_ROOM = 64;
  const ENGLISH = /\b(the|is|are|what|how|why|which|does|do|you|please|explain|about)\b/gi;
  const FRENCH = /\b(le|la|les|est|sont|quoi|comment|pourquoi|quel|quelle|vous|tu|explique|des|du|une)\b/gi;

  function inputText() {
    const input = document.getElementById("chat-input");
    if (!input) return "";
    return (input.value !== undefined ? input.value : input.innerText || "").trim();
  }

  function englishText(text) {
    const sample = text.slice(0, 2000);
    return (sample.match(ENGLISH) || []).length > (sample.match(FRENCH) || []).length;
  }

  function note(text) {
    const n = [...text].length;
    return englishText(text)
      ? `Your message is too long (${n.toLocaleString("en")} characters, ${LIMIT} at most). Shorten it and ask one precise question.`
      : `Votre message est trop long (${n.toLocaleString("fr")} caractères, ${LIMIT} au plus). Raccourcissez-le et posez une question précise.`;
  }

  function tooLong(text) {
    const limit = LIMIT + (text.startsWith("/") ? COMMAND_ROOM : 0);
    return text.length > limit && [...text].length > limit;
  }

  function show(message) {
    let box = document.getElementById("tutor-length-note");
    const composer = document.getElementById("message-composer");
    if (!box && composer) {
      box = document.createElement("div");
      box.id = "tutor-length-note";
      box.setAttribute("role", "alert");
      box.style.cssText = "margin: 0 0 0.5rem 0; padding: 0.5rem 0.75rem; border-radius: 0.75rem;"
        + " background: #fdecea; color: #7a1c14; font-size: 0.9rem;";
      composer.parentNode.insertBefore(box, composer);
    }
    if (box) box.textContent = message;
  }

  function hide() {
    const box = document.getElementById("tutor-length-note");
    if (box) box.remove();
  }

  function guard(event) {
    const text = inputText();
    if (!tooLong(text)) return;
    event.preventDefault();
    event.stopPropagation();
    show(note(text));
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && event.target.closest && event.target.closest("#chat-input")) {
      guard(event);
    }
  }, true);
  document.addEventListener("click", (event) => {
    if (event.target.closest && event.target.closest("#chat-submit")) guard(event);
  }, true);
  document.addEventListener("input", () => {
    if (!tooLong(inputText())) hide();
  }, true);
})();
