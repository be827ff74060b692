// Two answers side by side (technique comparison, prompt lab), each with the prompt that produced it.
// Chainlit injects `props` globally: { columns: [{heading, note, answer, sources, prompt: [{label, text}], seconds}], labels }.
export default function SideBySide() {
  const columns = props.columns || [];
  const labels = props.labels || {};
  return (
    // Inline grid style: Tailwind only ships the classes Chainlit itself uses.
    <div className="w-full" data-testid="side-by-side"
         style={{display: "grid", gridTemplateColumns: "repeat(auto-fit, minmax(220px, 1fr))", gap: "0.75rem"}}>
      {columns.map((column, i) => (
        <div key={i} className="rounded-md border p-3 flex flex-col gap-2 min-w-0" data-testid="side-by-side-column">
          <div className="font-semibold">{column.heading}</div>
          {column.note ? <div className="text-xs text-muted-foreground italic">{column.note}</div> : null}
          <div className="text-xs uppercase tracking-wide text-muted-foreground">{labels.answer}</div>
          <div className="text-sm whitespace-pre-wrap break-words">{column.answer}</div>
          {column.sources && column.sources.length ? (
            <div className="text-xs text-muted-foreground">
              {labels.sources} : {column.sources.join(" · ")}
            </div>
          ) : null}
          {column.seconds ? <div className="text-xs text-muted-foreground">{column.seconds} {labels.seconds}</div> : null}
          <details className="text-xs">
            <summary className="cursor-pointer text-muted-foreground">{labels.prompt}</summary>
            {(column.prompt || []).map((part, j) => (
              <div key={j} className="mt-2">
                <div className="font-semibold">{part.label}</div>
                <pre className="whitespace-pre-wrap break-words bg-muted rounded p-2">{part.text}</pre>
              </div>
            ))}
          </details>
        </div>
      ))}
    </div>
  );
}
