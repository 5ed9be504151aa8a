import type { TREATMENT_CATEGORIES } from '../treatments/treatment-vocabulary.ts';

export type TreatmentCategory = (typeof TREATMENT_CATEGORIES)[number];
/** Who performs it: injections and energy devices are a doctor's work in Thailand, facials and body care a therapist's. */
export type Performer = 'doctor' | 'therapist' | 'either';

export interface CatalogueTreatment {
  names: { en: string; th: string; zh: string };
  category: TreatmentCategory;
  minutes: number;
  /** What clinics in the original market ask, in THB. */
  priceThb: readonly [number, number];
  /** Minutes held before (numbing cream, preparation) and after (cleaning the room, cooling the device). */
  buffers: readonly [before: number, after: number];
  /** How often it is booked, relative to the others. */
  popularity: number;
  performer: Performer;
}

const t = (
  en: string,
  th: string,
  zh: string,
  category: TreatmentCategory,
  minutes: number,
  priceThb: [number, number],
  buffers: [number, number],
  popularity: number,
  performer: Performer,
): CatalogueTreatment => ({ names: { en, th, zh }, category, minutes, priceThb, buffers, popularity, performer });

/** What an aesthetic clinic in Thailand offers; each seeded clinic lists a selection, at its own prices. */
export const TREATMENT_CATALOGUE: readonly CatalogueTreatment[] = [
  t('Botox for forehead lines', 'โบท็อกซ์ลดริ้วรอยหน้าผาก', '肉毒素除抬头纹', 'injectable', 30, [3_500, 9_000], [0, 10], 8, 'doctor'),
  t('Botox jaw slimming', 'โบท็อกซ์ลดกราม', '肉毒素瘦脸针', 'injectable', 30, [4_500, 14_000], [0, 10], 9, 'doctor'),
  t('Under-eye filler', 'ฟิลเลอร์ใต้ตา', '玻尿酸泪沟填充', 'injectable', 45, [9_000, 22_000], [20, 10], 5, 'doctor'),
  t('Lip filler', 'ฟิลเลอร์ปาก', '玻尿酸丰唇', 'injectable', 45, [8_000, 18_000], [20, 10], 5, 'doctor'),
  t('Chin filler', 'ฟิลเลอร์คาง', '玻尿酸下巴填充', 'injectable', 45, [9_000, 20_000], [20, 10], 4, 'doctor'),
  t('Nose filler', 'ฟิลเลอร์จมูก', '玻尿酸隆鼻', 'injectable', 45, [9_000, 20_000], [20, 10], 3, 'doctor'),
  t('Skin booster', 'สกินบูสเตอร์', '水光针', 'injectable', 45, [5_000, 15_000], [20, 10], 6, 'doctor'),
  t('Rejuran skin healer', 'รีจูรันฟื้นฟูผิว', '丽珠兰修复针', 'injectable', 45, [9_000, 18_000], [20, 10], 3, 'doctor'),
  t('Sculptra collagen stimulator', 'สกัลป์ทรากระตุ้นคอลลาเจน', '童颜针', 'injectable', 60, [18_000, 35_000], [20, 10], 2, 'doctor'),
  t('Fat-dissolving injection', 'ฉีดสลายไขมัน', '溶脂针', 'injectable', 30, [2_500, 7_000], [0, 10], 4, 'doctor'),
  t('Thread lift', 'ร้อยไหมยกกระชับ', '线雕提升', 'injectable', 90, [15_000, 60_000], [30, 15], 2, 'doctor'),
  t('Brightening mesotherapy', 'เมโสหน้าใส', '美白中胚层疗法', 'injectable', 30, [2_000, 5_000], [0, 10], 5, 'doctor'),
  t('Glutathione IV drip', 'ดริปกลูต้าไธโอน', '美白点滴', 'injectable', 45, [1_500, 4_500], [0, 10], 5, 'doctor'),

  t('Pico laser for pigmentation', 'เลเซอร์พิโครักษาฝ้ากระ', '皮秒激光祛斑', 'laser', 30, [3_000, 9_000], [15, 10], 7, 'doctor'),
  t('Laser hair removal, underarms', 'เลเซอร์กำจัดขนรักแร้', '腋下激光脱毛', 'laser', 15, [1_500, 4_000], [0, 5], 8, 'either'),
  t('Laser hair removal, full legs', 'เลเซอร์กำจัดขนทั้งขา', '全腿激光脱毛', 'laser', 60, [5_000, 12_000], [0, 10], 4, 'either'),
  t(
    'CO2 fractional laser for acne scars',
    'เลเซอร์ CO2 แฟรคชันรักษาหลุมสิว',
    '二氧化碳点阵激光祛痘坑',
    'laser',
    60,
    [4_500, 12_000],
    [30, 15],
    3,
    'doctor',
  ),
  t('Q-switched laser toning', 'เลเซอร์ปรับสีผิว Q-Switched', '调Q激光嫩肤', 'laser', 30, [1_500, 4_000], [0, 10], 5, 'doctor'),
  t('IPL photofacial', 'ไอพีแอลหน้าใส', '光子嫩肤', 'laser', 30, [2_000, 5_000], [0, 10], 5, 'either'),
  t('Laser Genesis', 'เลเซอร์เจเนซิส', 'Genesis激光嫩肤', 'laser', 30, [2_500, 6_000], [0, 10], 4, 'doctor'),

  t('Acne clearing treatment', 'ทรีทเมนต์รักษาสิว', '祛痘护理', 'skincare', 45, [800, 2_500], [0, 10], 8, 'therapist'),
  t('Acne extraction', 'กดสิว', '清痘', 'skincare', 30, [500, 1_500], [0, 5], 6, 'therapist'),
  t('Chemical peel', 'พีลลิ่งผลัดเซลล์ผิว', '果酸焕肤', 'skincare', 30, [1_500, 4_500], [0, 10], 5, 'either'),
  t('Melasma treatment', 'ทรีทเมนต์รักษาฝ้า', '黄褐斑淡化疗程', 'skincare', 45, [2_000, 6_000], [0, 10], 4, 'either'),
  t(
    'Needle-free vitamin C infusion',
    'ผลักวิตามินซีแบบไม่ใช้เข็ม',
    '无针维C导入',
    'skincare',
    45,
    [1_200, 3_000],
    [0, 10],
    4,
    'therapist',
  ),
  t('Subcision for acne scars', 'ตัดพังผืดหลุมสิว', '痘坑剥离术', 'skincare', 45, [3_000, 8_000], [20, 10], 2, 'doctor'),

  t('HydraFacial', 'ไฮดราเฟเชียล', '水飞梭深层清洁', 'facial', 60, [2_500, 6_000], [0, 10], 8, 'therapist'),
  t(
    'Deep cleansing facial',
    'ทรีทเมนต์ทำความสะอาดผิวหน้าล้ำลึก',
    '深层清洁面部护理',
    'facial',
    60,
    [900, 2_200],
    [0, 10],
    7,
    'therapist',
  ),
  t('Oxygen facial', 'ทรีทเมนต์ออกซิเจนบำรุงผิวหน้า', '氧气面部护理', 'facial', 60, [1_500, 3_500], [0, 10], 4, 'therapist'),
  t('Gold mask facial', 'ทรีทเมนต์มาสก์ทองคำ', '黄金面膜护理', 'facial', 60, [1_800, 4_000], [0, 10], 3, 'therapist'),
  t('LED light therapy', 'ทรีทเมนต์แสง LED', 'LED光疗', 'facial', 30, [600, 1_500], [0, 5], 5, 'therapist'),
  t('Brightening facial', 'ทรีทเมนต์หน้าใส', '美白面部护理', 'facial', 60, [1_200, 3_000], [0, 10], 6, 'therapist'),

  t('Cryolipolysis fat freezing', 'สลายไขมันด้วยความเย็น', '冷冻溶脂', 'body', 60, [8_000, 25_000], [10, 15], 3, 'therapist'),
  t('Lymphatic drainage massage', 'นวดระบายน้ำเหลือง', '淋巴排毒按摩', 'body', 60, [1_200, 3_000], [0, 10], 4, 'therapist'),
  t('Body scrub and brightening', 'ขัดผิวกายเพื่อผิวกระจ่างใส', '身体磨砂美白', 'body', 60, [1_200, 3_200], [0, 15], 3, 'therapist'),
  t('Slimming body wrap', 'พันตัวกระชับสัดส่วน', '纤体裹敷', 'body', 90, [2_000, 4_500], [0, 15], 2, 'therapist'),
  t(
    'Electromagnetic muscle toning',
    'สร้างกล้ามเนื้อด้วยคลื่นแม่เหล็กไฟฟ้า',
    '电磁增肌塑形',
    'body',
    30,
    [6_000, 15_000],
    [0, 10],
    2,
    'therapist',
  ),

  t('HIFU face lift', 'ไฮฟู่ยกกระชับหน้า', '超声刀提拉', 'device', 90, [12_000, 45_000], [30, 15], 4, 'doctor'),
  t('Thermage FLX', 'เทอร์มาจ FLX', '热玛吉', 'device', 120, [35_000, 90_000], [30, 15], 2, 'doctor'),
  t('RF microneedling', 'อาร์เอฟไมโครนีดเดิล', '黄金微针', 'device', 60, [8_000, 25_000], [30, 15], 3, 'doctor'),
  t(
    'Focused ultrasound skin tightening',
    'อัลตราซาวด์ยกกระชับผิว',
    '微聚焦超声紧致',
    'device',
    60,
    [8_000, 20_000],
    [20, 10],
    3,
    'doctor',
  ),
  t('Radiofrequency skin tightening', 'อาร์เอฟกระชับผิว', '射频紧肤', 'device', 45, [2_500, 6_000], [0, 10], 4, 'therapist'),
  t('Microdermabrasion', 'กรอผิวไมโครเดอร์มาเบรชัน', '微晶磨皮', 'device', 45, [1_000, 2_500], [0, 10], 4, 'therapist'),

  t('Doctor consultation', 'ปรึกษาแพทย์', '医生面诊', 'consultation', 20, [0, 800], [0, 0], 8, 'doctor'),
  t('AI skin analysis', 'วิเคราะห์ผิวด้วย AI', 'AI皮肤检测', 'consultation', 15, [300, 1_000], [0, 0], 6, 'either'),
  t('Treatment follow-up', 'ติดตามผลการรักษา', '疗程复诊', 'consultation', 15, [0, 300], [0, 0], 5, 'doctor'),
  t('Personal treatment plan', 'วางแผนการรักษาเฉพาะบุคคล', '个性化疗程规划', 'consultation', 30, [500, 1_500], [0, 0], 3, 'doctor'),
];
