const face = (score: number) => ({ forehead: score, left_cheek: score, right_cheek: score, nose: score, chin: score });
const lined = { forehead: 62, left_cheek: 70, right_cheek: 69, under_eye_left: 66, under_eye_right: 65 };

/** A well-formed structured answer of the vision model, as the OpenAI provider asks for it. */
export function openAiSkinReport() {
  return {
    concerns: {
      redness: { score: 72, regions: { forehead: 80, left_cheek: 65, right_cheek: 66, nose: 70, chin: null } },
      pigmentation: { score: 60, regions: face(60) },
      dark_circles: { score: 45, regions: { under_eye_left: 44, under_eye_right: 46 } },
      texture: { score: 81, regions: face(81) },
      wrinkles: { score: 67, regions: lined },
      pores: { score: 58, regions: face(58) },
      oiliness: { score: 50, regions: face(50) },
      evenness: { score: 77, regions: face(77) },
      acne: { score: 93, regions: face(93) },
    },
    skin_type: 'combination',
    skin_age: 34,
    confidence: 0.82,
  };
}
