// Fictional people: common Chinese surnames (weighted roughly as in northern China, with the
// Shanxi names 郭, 贾, 薛, 卫, 畅 a little more common), given names of one or two characters
// that suit the decade of birth, and resident ID numbers that pass GB 11643 (region codes of
// the fictional 河东市, real calendar birth dates, odd order codes for men, even for women).
import { idNumberCheckChar } from '../src/domain/identity.js'
import { isoDate, daysInMonth } from '../src/domain/dates.js'
import type { Random } from './random.js'

const SURNAMES: ReadonlyArray<readonly [string, number]> = [
  ['王', 80], ['李', 78], ['张', 72], ['刘', 60], ['陈', 38], ['杨', 40], ['赵', 32], ['郭', 28], ['黄', 14], ['吴', 14],
  ['周', 15], ['徐', 14], ['孙', 17], ['马', 16], ['朱', 11], ['胡', 12], ['高', 16], ['何', 9], ['林', 6], ['罗', 7],
  ['郑', 8], ['梁', 11], ['谢', 6], ['宋', 10], ['唐', 6], ['许', 8], ['韩', 10], ['冯', 9], ['邓', 5], ['曹', 8],
  ['彭', 5], ['曾', 3], ['田', 9], ['董', 9], ['袁', 6], ['潘', 4], ['于', 6], ['蒋', 4], ['蔡', 4], ['余', 3],
  ['杜', 7], ['叶', 3], ['程', 6], ['苏', 6], ['魏', 7], ['吕', 7], ['丁', 6], ['任', 8], ['沈', 3], ['姚', 5],
  ['卢', 5], ['姜', 5], ['崔', 6], ['钟', 2], ['范', 6], ['贾', 12], ['薛', 10], ['卫', 7], ['畅', 4], ['柴', 5],
  ['闫', 8], ['段', 5], ['雷', 4], ['侯', 6], ['史', 6], ['郝', 7], ['武', 7], ['牛', 5], ['常', 5], ['乔', 5],
  ['樊', 4], ['景', 3], ['荆', 3], ['裴', 4], ['原', 2], ['解', 2], ['尚', 3], ['申', 3], ['白', 5], ['孟', 5],
  ['秦', 4], ['石', 5], ['温', 3], ['贺', 4], ['毛', 3], ['邵', 2], ['韦', 1], ['霍', 3], ['耿', 3], ['安', 3]
]

// Given-name characters by sex; the first list is used more for those born before 1980.
const MALE_OLD = ['建', '国', '军', '强', '平', '明', '华', '红', '卫', '东', '海', '林', '志', '永', '文', '忠', '勇', '刚', '斌', '荣', '新', '春', '宏', '庆', '胜', '利', '峰', '民', '俊', '光']
const MALE_NEW = ['伟', '磊', '杰', '涛', '超', '鹏', '辉', '飞', '鑫', '波', '宁', '浩', '凯', '健', '帆', '旭', '宇', '晨', '博', '亮', '昊', '阳', '龙', '彬', '毅', '泽', '睿', '航', '轩', '哲']
const FEMALE_OLD = ['红', '霞', '芳', '丽', '艳', '玲', '萍', '秀', '英', '兰', '梅', '静', '敏', '燕', '娟', '琴', '凤', '慧', '华', '珍']
const FEMALE_NEW = ['娜', '婷', '雪', '倩', '琳', '颖', '晶', '洁', '佳', '欣', '悦', '怡', '瑶', '璐', '蕾', '丹', '莹', '媛', '楠', '茜', '璇', '月', '晓', '文', '思', '雅']

export type Sex = 'male' | 'female'

/** A name: a surname and one (about a third of people) or two given-name characters. */
export function personName (rnd: Random, sex: Sex, birthYear: number): string {
  const surname = rnd.weighted(SURNAMES)
  const older = birthYear < 1980
  const pools = sex === 'male' ? [MALE_OLD, MALE_NEW] : [FEMALE_OLD, FEMALE_NEW]
  const pool = () => rnd.chance(older ? 0.7 : 0.25) ? pools[0] as string[] : pools[1] as string[]
  const first = rnd.pick(pool())
  if (rnd.chance(0.32)) return surname + first
  let second = rnd.pick(pool())
  while (second === first) second = rnd.pick(pool())
  return surname + first + second
}

/** A birth date in [fromYear, toYear]. */
export function birthDate (rnd: Random, fromYear: number, toYear: number): string {
  const y = rnd.int(fromYear, toYear)
  const m = rnd.int(1, 12)
  return isoDate(y, m, rnd.int(1, daysInMonth(y, m)))
}

/** A valid 18-character ID number, unique within `taken` (which it extends). */
export function idNumberFor (rnd: Random, region: string, birth: string, sex: Sex, taken: Set<string>): string {
  const ymd = birth.replaceAll('-', '')
  for (;;) {
    // Order code: 3 digits, the last odd for men and even for women.
    const head = rnd.int(0, 99)
    const last = sex === 'male' ? rnd.pick([1, 3, 5, 7, 9]) : rnd.pick([0, 2, 4, 6, 8])
    const body = `${region}${ymd}${String(head).padStart(2, '0')}${last}`
    const id = body + idNumberCheckChar(body)
    if (!taken.has(id)) {
      taken.add(id)
      return id
    }
  }
}

/** A mobile number of the usual 11-digit shape. */
export function mobile (rnd: Random): string {
  const prefix = rnd.pick(['135', '136', '137', '138', '139', '150', '151', '152', '155', '157', '158', '159', '177', '180', '183', '187', '189', '199'])
  return prefix + String(rnd.int(0, 99_999_999)).padStart(8, '0')
}
