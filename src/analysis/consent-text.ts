import type { Locale } from '../i18n/locale-vocabulary.ts';

/** The consent a customer gives before their first photo; bump the version whenever the text changes. */
export const CONSENT_VERSION = 'face-analysis-2026-11';

export const CONSENT_TEXT: Record<Locale, string> = {
  en:
    'I agree that the clinic may process photos of my face to analyse my skin. The photos and results are kept ' +
    'privately for my care at this clinic, are visible only to me and the clinic staff who treat me, and are not ' +
    'used for any other purpose. I can withdraw this consent at any time; analyses already made stay in my record.',
  th:
    'ข้าพเจ้ายินยอมให้คลินิกประมวลผลภาพถ่ายใบหน้าของข้าพเจ้าเพื่อวิเคราะห์ผิว ภาพถ่ายและผลการวิเคราะห์จะถูกเก็บเป็นความลับ ' +
    'เพื่อการดูแลข้าพเจ้าที่คลินิกนี้ เปิดให้เห็นได้เฉพาะข้าพเจ้าและเจ้าหน้าที่คลินิกที่ดูแลข้าพเจ้า และจะไม่ถูกใช้เพื่อวัตถุประสงค์อื่น ' +
    'ข้าพเจ้าสามารถถอนความยินยอมนี้ได้ทุกเมื่อ โดยผลการวิเคราะห์ที่ทำไปแล้วจะยังคงอยู่ในประวัติของข้าพเจ้า',
  zh:
    '我同意诊所处理我的面部照片以进行皮肤分析。照片和分析结果仅为我在本诊所的护理而保密保存，只有我本人和为我提供服务的诊所员工可以查看，' +
    '不会用于任何其他目的。我可以随时撤回此同意；已完成的分析仍保留在我的记录中。',
};

/**
 * Added to the text when the clinic's provider sends photos outside the clinic: the customer is told who
 * processes them and where, before they agree.
 */
export const EXTERNAL_PROCESSOR_TEXT: Record<Locale, string> = {
  en:
    ' To analyse them, this clinic sends the photos to OpenAI (OpenAI, L.L.C., United States), which processes them on ' +
    "the clinic's behalf.",
  th: ' ในการวิเคราะห์ คลินิกนี้ส่งภาพถ่ายไปยัง OpenAI (OpenAI, L.L.C. ประเทศสหรัฐอเมริกา) ซึ่งประมวลผลภาพแทนคลินิก',
  zh: '为进行分析，本诊所会将照片发送给 OpenAI（OpenAI, L.L.C.，美国），由其代表诊所处理。',
};
