// The learner's course map: every lesson with its mastery bar, answers and review date.
// Chainlit injects `props` globally: { lessons: [{id, title, mastery, answers, correct, partial, incorrect, due,
// review_due}], labels: {lesson, mastery, answers, review, due, none} }.
export default function CourseMap() {
  const lessons = props.lessons || [];
  const labels = props.labels || {};
  const colour = (m) => (m >= 0.8 ? "#16a34a" : m >= 0.4 ? "#ca8a04" : "#dc2626");
  return (
    <div className="w-full flex flex-col gap-2" data-testid="course-map">
      {lessons.map((lesson) => (
        <div key={lesson.id} className="rounded-md border p-2" data-testid="course-map-lesson" data-lesson={lesson.id}
             data-mastery={lesson.mastery}>
          <div style={{display: "flex", justifyContent: "space-between", gap: "0.5rem"}}>
            <span className="text-sm font-semibold">{lesson.title}</span>
            <span className="text-xs text-muted-foreground">
              {labels.answers} : {lesson.answers}
              {lesson.review_due ? <strong style={{color: "#dc2626"}}> · {labels.review} {labels.due}</strong> : null}
            </span>
          </div>
          <div style={{display: "flex", alignItems: "center", gap: "0.5rem"}}>
            <div style={{flex: 1, height: "8px", background: "#e5e7eb", borderRadius: "4px"}}>
              <div style={{width: `${Math.round(lesson.mastery * 100)}%`, height: "8px", borderRadius: "4px",
                           background: colour(lesson.mastery)}} />
            </div>
            <span className="text-xs" data-testid="course-map-mastery">
              {labels.mastery} {Math.round(lesson.mastery * 100)} %
            </span>
          </div>
        </div>
      ))}
    </div>
  );
}
