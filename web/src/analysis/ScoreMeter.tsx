/** A 1–100 score (higher is healthier) as a number and a bar the browser colours by band. */
export function ScoreMeter({ score, label }: { score: number; label: string }) {
  return (
    <span className="score-meter">
      <meter min={0} max={100} low={40} high={70} optimum={100} value={score} aria-label={label} />
      <span className="score-value">{score}</span>
    </span>
  );
}
