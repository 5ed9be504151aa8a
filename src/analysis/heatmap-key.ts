/** Heatmaps belong to one analysis (they depend on the analyser, not only on the photo). */
export function heatmapKey(clinicId: string, analysisId: string, concern: string): string {
  return `clinics/${clinicId}/analyses/${analysisId}/heatmap-${concern}.png`;
}
